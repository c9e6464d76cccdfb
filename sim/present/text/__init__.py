"""Text: what each command prints, written from the results the earlier stages return."""
