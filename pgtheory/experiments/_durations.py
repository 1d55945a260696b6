"""Expected seconds of each registered check, a scheduling hint for :func:`run_all` (issue 17).

``run_all`` sends checks to a pool whole and starts the longest first, so that the last
tasks do not leave workers idle (on 2 cores the longest check is a quarter of the full
run). On a fresh output folder there is no earlier report to say how long a check takes;
this table says it instead. It changes only the order in which checks start, never a
number in a report (seeds are spawned per check).

The values are the ``seconds`` of the reports of one ``pgtheory reproduce --quick`` and one
``pgtheory reproduce`` on a 2-core machine, rounded up to 0.1 s. Regenerate after adding a
check or changing a check's cost (``tests/test_keys.py`` checks that every check has a row)::

    pgtheory reproduce --quick --out QUICK && pgtheory reproduce --out FULL
    python -c "from pgtheory.experiments._durations import main; main()" QUICK FULL
"""

from __future__ import annotations

#: ``{check: (quick seconds, full seconds)}``, measured as described in the module docstring.
EXPECTED_SECONDS: dict[str, tuple[float, float]] = {
    "agarwal2021-npg": (1.0, 1.7),
    "ahmadian2024-rloo-length": (0.4, 0.3),
    "cen2022-fig1": (0.8, 0.7),
    "cen2022-thm1": (0.7, 1.3),
    "chang2024-dataset-reset": (0.4, 3.1),
    "chen2025a-nft-grpo": (0.1, 0.1),
    "chen2025b-sec-proxy": (0.7, 0.6),
    "deng2025-token-influence": (0.6, 0.1),
    "fatkhullin2023-convergence": (2.2, 129.2),
    "fatkhullin2023-eps-complexity": (0.2, 0.5),
    "fatkhullin2023-lemma1": (0.1, 0.8),
    "fatkhullin2023-lqr": (1.2, 33.0),
    "fatkhullin2023-mdp": (3.4, 20.9),
    "fatkhullin2023-robustness": (1.0, 48.3),
    "fletberliac2024-copg": (0.1, 0.1),
    "go2023-fdpg": (0.1, 0.1),
    "han2025-zero-signal": (0.1, 0.2),
    "jia2023-coverability": (0.1, 0.3),
    "jia2023-generative": (1.1, 16.4),
    "jia2023-online": (0.9, 3.2),
    "jia2023-spanning-capacity": (0.3, 0.3),
    "krishnamurthy2025-coverage": (0.1, 0.1),
    "krishnamurthy2025-emulator": (0.6, 6.2),
    "krishnamurthy2025-psdp-cpi": (0.1, 0.1),
    "krishnamurthy2025-regime": (0.1, 0.1),
    "leng2025-mmr1-variance": (0.1, 0.1),
    "li2021-hard": (3.4, 26.3),
    "li2026-knapsack-dp": (0.2, 0.9),
    "li2026-value-proxy": (0.4, 0.7),
    "li2026-zero-gradient": (0.2, 0.9),
    "liu2024-rpo": (0.1, 0.3),
    "liu2025-grpo-weights": (0.1, 0.1),
    "lv2025-hpt-switch": (0.1, 0.1),
    "lv2025-unified-gradient": (0.1, 0.1),
    "lyu2025-oreal-bon": (0.1, 0.1),
    "mei2020-bandit": (0.1, 0.2),
    "mei2020-mdp": (1.0, 6.1),
    "munos2024-theorem1": (0.7, 14.7),
    "prajapat2024-bandit-ratio": (1.8, 23.5),
    "prajapat2024-grid-coverage": (0.8, 25.0),
    "prajapat2024-trap-family": (0.5, 7.1),
    "rosset2024-dno": (0.2, 1.7),
    "shao2024-grpo-expectation": (0.1, 0.1),
    "simoni2025-conflict-tokens": (0.2, 1.1),
    "tajwar2024-mode-seeking": (0.3, 1.7),
    "tan2025-hybrid-noff": (1.1, 3.4),
    "tan2025-hybrid-noff-horizon": (0.4, 1.2),
    "tan2025-hybrid-optimistic": (0.5, 1.2),
    "tan2025-pac": (0.8, 1.3),
    "tan2025-regret": (0.1, 0.1),
    "tang2024-ranksgd": (0.2, 3.8),
    "tiapkin2025-compare": (0.5, 4.3),
    "tiapkin2025-rate-vs-beta": (0.2, 0.6),
    "tiapkin2025-response-independence": (1.3, 8.0),
    "tiapkin2025-sampled": (0.4, 3.7),
    "tiapkin2025-stochastic-floor": (0.6, 12.0),
    "wang2025a-empg-renyi": (0.1, 0.1),
    "wang2025b-temperature-reinforce": (0.5, 6.4),
    "wang2026-variance-selection": (0.1, 0.1),
    "wu2023-reward-invariance": (0.1, 0.1),
    "xiao2025-bnpo": (0.1, 0.1),
    "zhang2025b-learning-cliff": (0.1, 0.1),
    "zhou2023-comblock": (0.2, 1.1),
    "zhou2023-hac-exact": (3.8, 7.7),
    "zhou2023-hac-sampled": (0.7, 26.2),
    "zhou2023-hac-sampled-rates": (1.2, 4.4),
    "zhou2023-hpe-fixed-point": (0.1, 0.2),
    "zhou2023-lambda-tradeoff": (0.2, 0.3),
    "zhou2023-offline-only": (0.9, 2.0),
    "zhou2023-offline-residual": (0.6, 3.0),
    "zhou2023-practical-hnpg": (1.7, 5.5),
    "zhu2025a-psr-nsr": (0.1, 0.1),
    "zhu2025b-stratified-grpo": (0.1, 0.1),
}


def expected_seconds(name: str, quick: bool) -> float:
    """Expected seconds of check ``name`` in quick or full mode (1 s when it has no row).

    Parameters
    ----------
    name : str
        Registered check name.
    quick : bool
        Quick mode (``RunConfig.quick``).

    Returns
    -------
    float
    """
    row = EXPECTED_SECONDS.get(name)
    return 1.0 if row is None else float(row[0 if quick else 1])


def _table_source(quick_dir, full_dir) -> str:
    import json  # lazy: only the regeneration command needs these
    import math
    from pathlib import Path

    def seconds(folder):
        out = {}
        for p in sorted(Path(folder).glob("*/report.json")):
            rep = json.loads(p.read_text())
            out[rep["name"]] = math.ceil(10.0 * float(rep["seconds"])) / 10.0
        return out

    q, f = seconds(quick_dir), seconds(full_dir)
    rows = "".join(f"    {json.dumps(n)}: ({q.get(n, 1.0)}, {f.get(n, 1.0)}),\n" for n in sorted(set(q) | set(f)))
    return rows


def main(argv=None) -> int:
    """Rewrite :data:`EXPECTED_SECONDS` in this file from a quick and a full output folder."""
    import sys  # lazy: only the regeneration command needs these
    from pathlib import Path

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -c \"from pgtheory.experiments._durations import main; main()\" QUICK_DIR FULL_DIR", file=sys.stderr)
        return 2
    path = Path(__file__)
    text = path.read_text()
    head, rest = text.split("EXPECTED_SECONDS: dict[str, tuple[float, float]] = {\n", 1)
    tail = rest.split("}\n", 1)[1]
    path.write_text(head + "EXPECTED_SECONDS: dict[str, tuple[float, float]] = {\n" + _table_source(*argv) + "}\n" + tail)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
