"""On top of the engine: the ``python -m pose`` command line, the bench, plots and overlays."""
