"""What a replicate writes down, on hand-set records: the ledger's spans, labels, timeline
and snapshot (sim.engine.ledger), and the monthly record's rows (sim.engine.record)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.engine.ledger import Basing, Concession, Ledger, LogEntry, Span, System
from sim.engine.record import Record

# ------------------------------------------------------------------ the ledger


def test_a_stay_starts_no_earlier_than_day_0_and_ends_within_its_start_and_the_horizon():
    led = Ledger(100)
    early = led.arrive("patron", "client", "forces", -5)
    assert led.spans == [Span("patron", "client", "forces", 0)]
    assert led.leave(early, 150) == 100 and early.end == 100
    late = led.arrive("patron", "client", "crews:S-400", 40)
    assert led.leave(late, 30) == 40, "a stay cannot end before it starts"
    assert led.leave(led.arrive("patron", "client", "garrison", 10), 55) == 55


def test_unit_labels_are_kept_with_the_timeline_only():
    led = Ledger(100)
    label = led.label("patron", "client", "1st Guards", -3)
    assert label == Span("patron", "client", "1st Guards", 0) and led.labels == [label]
    lean = Ledger(100, record_events=False)
    assert lean.label("patron", "client", "1st Guards", 3) is None and lean.labels == []


def test_exercises_are_kept_even_without_the_timeline():
    lean = Ledger(100, record_events=False)
    lean.exercise("patron", "client", 12)
    assert lean.exercises == [("patron", "client", 12)]


def test_the_timeline_keeps_each_line_as_given_and_nothing_when_lean():
    led = Ledger(100)
    led.log(3, "summit", "kremlin", "Sochi", end=4)
    led.log(5, "exercise", "patron")
    assert led.events == [LogEntry(3, "summit", "kremlin", "Sochi", 4),
                          LogEntry(5, "exercise", "patron", "", None)]  # fmt: skip
    lean = Ledger(100, record_events=False)
    lean.log(3, "summit", "kremlin")
    assert lean.events == []


def test_closing_ends_every_open_stay_and_label_at_the_horizon_and_no_other():
    led = Ledger(100)
    shut = led.arrive("patron", "client", "forces", 0)
    led.leave(shut, 20)
    still = led.arrive("patron", "client", "garrison", 30)
    label = led.label("patron", "client", "unit", 30)
    led.close()
    assert (shut.end, still.end, label.end) == (20, 100, 100)


def full_ledger() -> Ledger:
    led = Ledger(100)
    led.leave(led.arrive("patron", "client", "forces", 10), 20)
    led.arrive("patron", "client", "garrison", 30)
    led.label("patron", "client", "unit", 30)
    led.exercise("patron", "client", 12)
    led.systems.append(System("patron", "client", "S-400", "ladder", 2, 60, "client"))
    led.basings.append(Basing("patron", "client", "ladder", 3, 70))
    led.concessions.append(Concession(40, "patron", "client", "ladder", 2, "patron"))
    led.log(3, "summit", "kremlin", "Sochi")
    return led


def test_a_snapshot_restores_to_an_equal_ledger():
    led = full_ledger()
    snap = led.snapshot()
    again = Ledger(100, record_events=False)
    again.restore(snap)
    assert again == led
    assert snap["record_events"] is True and snap["exercises"] == [["patron", "client", 12]]
    assert snap["spans"][0] == {"patron": "patron", "host": "client", "holder": "forces",
                                "start": 10, "end": 20}  # fmt: skip
    assert all(isinstance(c, Concession) for c in again.concessions)


def test_a_snapshot_is_a_copy_not_a_view():
    led = full_ledger()
    snap = led.snapshot()
    led.spans[1].end = 99
    led.exercises.append(("patron", "client", 50))
    assert snap["spans"][1]["end"] is None and len(snap["exercises"]) == 1


# ------------------------------------------------------------------ the monthly record


def record(n_months: int = 3) -> tuple[Record, dict]:
    """Two actors, one read as a pair of numbers, one as one number; one patron's rung on
    one track."""
    actors = {"kremlin": SimpleNamespace(a=1.0, b=2.0), "minsk": SimpleNamespace(c=0.5)}
    cast = SimpleNamespace(actors=actors)
    roster = SimpleNamespace(
        records=[("kremlin", lambda x: (x.a, x.b)), ("minsk", lambda x: x.c)],
        rung_records=[(("kremlin", "minsk"), "ladder")],
    )
    book = SimpleNamespace(stacks={("kremlin", "minsk"): {"ladder": [SimpleNamespace(level=0)]}})
    return Record(cast, roster, book, n_months, width=4), {"actors": actors, "book": book}


def test_each_month_records_every_actors_state_then_each_rung():
    rec, world = record()
    rec.take(0)
    world["actors"]["kremlin"].a = 7.0
    world["book"].stacks[("kremlin", "minsk")]["ladder"].append(SimpleNamespace(level=2))
    rec.take(2)
    table = rec.table()
    assert table.shape == (3, 4)
    assert table[0].tolist() == [1.0, 2.0, 0.5, 0.0]
    assert np.isnan(table[1]).all(), "a month not recorded yet is NaN"
    assert table[2].tolist() == [7.0, 2.0, 0.5, 2.0]


def test_a_finished_record_is_one_array_of_its_rows():
    rec, _ = record(2)
    rec.take(0)
    rec.take(1)
    assert rec.table().tolist() == [[1.0, 2.0, 0.5, 0.0]] * 2
    assert rec.table().dtype == np.float64


def test_a_record_before_its_first_month_is_all_nan():
    rec, _ = record(3)
    table = rec.table()
    assert table.shape == (3, 4) and np.isnan(table).all()


def test_a_record_of_whole_numbers_is_still_a_float_table():
    """Every state read as an integer: the table is still floats (NaN must fit in it)."""
    rec, world = record(1)
    world["actors"]["kremlin"].a, world["actors"]["kremlin"].b = 1, 2
    world["actors"]["minsk"].c = 0
    rec.take(0)
    assert rec.table().dtype == np.float64


def test_an_empty_record_has_no_rows():
    rec, _ = record(0)
    assert rec.table().shape == (0, 4)


def test_the_records_snapshot_restores_the_rows_as_copies():
    rec, _ = record()
    rec.take(1)
    snap = rec.snapshot()
    assert snap == [None, [1.0, 2.0, 0.5, 0], None]
    rec.rows[1][0] = 9.0
    assert snap[1][0] == 1.0, "the snapshot shares a row with the record"
    again, _ = record()
    again.restore(snap)
    snap[1][0] = 5.0
    assert again.rows == [None, [1.0, 2.0, 0.5, 0], None]
    assert np.array_equal(again.table(), record_table(again), equal_nan=True)


def record_table(rec: Record) -> np.ndarray:
    out = np.full((len(rec.rows), rec.width), np.nan)
    for m, row in enumerate(rec.rows):
        if row is not None:
            out[m] = row
    return out


@pytest.mark.parametrize("n", [1, 4])
def test_a_record_with_every_month_taken_reads_as_the_partial_one_would(n):
    rec, _ = record(n)
    for m in range(n):
        rec.take(m)
    assert np.array_equal(rec.table(), record_table(rec))
