"""hoso benchmarks: ``python -m bench`` prints a table of figures beside their targets and
writes ``build/bench.json``."""
