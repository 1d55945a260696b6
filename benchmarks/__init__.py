"""Performance benchmarks of pgtheory against peer libraries, run in the same process.

Run all: ``python -m benchmarks``; one: ``python -m benchmarks mdp`` (runs ``bench_mdp.main()``).
Each ``bench_*.py`` module defines ``main(argv=None)`` that prints tables whose ratios are
measured in the same run (same machine, same load), never against remembered numbers.
"""
