"""What people read and type: the command line, figures, the HTML report and its
templates, and `explain`. The top layer: it may import every stage, and none may import it."""
