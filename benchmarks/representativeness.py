"""Does weighting to the neighbourhood make the figures truer? A simulation with a known answer.

    python benchmarks/representativeness.py                 # 200 replications at 400, 1,000, 3,000
    python benchmarks/representativeness.py --reps 50 --participants 400

A neighbourhood of ``--population`` residents has two attributes (wijk, age band) and an answer
of each resident to each of ``--statements`` statements; the chance of agreeing depends on the
attributes, so the truth (the share of all residents who agree) differs from a sample that leans
one way. Online participation leans the usual way: young residents are 3× less likely to take
part and residents of one wijk 4× less likely. Each replication draws such a sample, lets each
participant vote on a random ``--density`` of the statements and leave out an attribute now and
then, rakes the participants to the population margins and compares:

- **MAE**: mean absolute error of the agree share per statement against the truth, unweighted and
  weighted, and the reduction (target: ≥ 50 %);
- **bias**: the systematic part of that error (per statement, the error averaged over the
  replications), which is what weighting is for, and its reduction;
- **floor**: the MAE of a simple random sample of the same size and density, unweighted. No
  weighting can beat it, since it removes bias and not chance: with a few hundred participants
  chance dominates the error, so the MAE reduction is small there however well the weights work.
  ``mae_gap_closed`` is the share of the unweighted excess over that floor that weighting removes;
- **coverage**: how often the weighted 90 % interval holds the truth (target: 85 % to 95 %);
- **flips**: how often a statement's category (majority agrees / majority disagrees / neither, as
  the advice uses it) is right unweighted but wrong weighted (wrong flips), and the reverse.

Prints one JSON line per sample size and a final summary line with ``"summary": true``. The
reference is the unweighted estimate in the same run, so the numbers do not depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import numpy.typing as npt

from deliberate.analysis.weighting import MISSING, PopulationMargins, Raker, weighted_share

WIJKEN = ("Noord", "Zuid", "Centrum", "De Hoven")
WIJK_SHARES = (0.30, 0.25, 0.25, 0.20)
AGES = ("16-25", "26-40", "41-65", "65+")
AGE_SHARES = (0.16, 0.28, 0.36, 0.20)
UNDER_WIJK = 3  # De Hoven takes part 4× less
YOUNG = 0


def simulate_population(
    rng: np.random.Generator, size: int, n_statements: int, effect: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int8]]:
    """Residents' wijk and age band, and their answer (+1, -1 or 0 for pass) per statement."""
    wijk = rng.choice(len(WIJKEN), size=size, p=WIJK_SHARES)
    age = rng.choice(len(AGES), size=size, p=AGE_SHARES)
    base = rng.normal(0.0, 1.0, n_statements)
    by_wijk = rng.normal(0.0, effect, (n_statements, len(WIJKEN)))
    by_age = rng.normal(0.0, effect, (n_statements, len(AGES)))
    by_age[:, YOUNG] += rng.choice([-effect, effect], n_statements)  # the young see it otherwise
    logit = base[None, :] + by_wijk[:, wijk].T + by_age[:, age].T + rng.normal(0, 0.7, (size, 1))
    agree = rng.random((size, n_statements)) < 1 / (1 + np.exp(-logit))
    answers = np.where(agree, 1, -1).astype(np.int8)
    answers[rng.random((size, n_statements)) < 0.1] = 0
    return wijk, age, answers


def category(share: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """1: a majority agrees, -1: a majority does not, 0: within 45-55 % (neither)."""
    return np.where(share >= 0.55, 1, np.where(share <= 0.45, -1, 0))


def replicate(
    rng: np.random.Generator,
    wijk: npt.NDArray[np.int64],
    age: npt.NDArray[np.int64],
    answers: npt.NDArray[np.int8],
    margins: PopulationMargins,
    truth: npt.NDArray[np.float64],
    participants: int,
    density: float,
) -> dict[str, npt.NDArray[np.float64]]:
    """Draw one biased sample and estimate every statement's agree share both ways."""
    propensity = np.where(age == YOUNG, 1 / 3, 1.0) * np.where(wijk == UNDER_WIJK, 1 / 4, 1.0)
    propensity *= participants / propensity.sum()
    sample = np.flatnonzero(rng.random(len(wijk)) < propensity)
    cells = {
        "wijk": np.array([WIJKEN[i] for i in wijk[sample]], dtype=object),
        "leeftijd": np.array([AGES[i] for i in age[sample]], dtype=object),
    }
    for column in cells.values():
        column[rng.random(len(sample)) < 0.15] = MISSING  # not everyone states an attribute
    raker = Raker(margins).fit(cells)
    weights = raker.weights_
    voted = rng.random((len(sample), answers.shape[1])) < density
    plain, weighted, low, high = (np.empty(answers.shape[1]) for _ in range(4))
    for j in range(answers.shape[1]):
        who = voted[:, j]
        agreed = answers[sample[who], j] == 1
        plain[j] = agreed.mean()
        estimate = weighted_share(agreed, weights[who])
        weighted[j], low[j], high[j] = estimate.share, estimate.low, estimate.high
    # The floor: as many residents drawn at random, voting as densely, counted as they are.
    fair = rng.choice(len(wijk), size=len(sample), replace=False)
    fair_voted = rng.random((len(fair), answers.shape[1])) < density
    random_sample = np.array(
        [(answers[fair[fair_voted[:, j]], j] == 1).mean() for j in range(answers.shape[1])]
    )
    return {
        "plain": np.abs(plain - truth),
        "weighted": np.abs(weighted - truth),
        "plain_error": plain - truth,
        "weighted_error": weighted - truth,
        "floor": np.abs(random_sample - truth),
        "covered": ((low <= truth) & (truth <= high)).astype(float),
        "wrong_flip": (
            (category(plain) == category(truth)) & (category(weighted) != category(truth))
        ).astype(float),
        "fixed_flip": (
            (category(plain) != category(truth)) & (category(weighted) == category(truth))
        ).astype(float),
        "n": np.array([len(sample)], dtype=float),
        "ess": np.array([raker.effective_size_]),
    }


def run(args: argparse.Namespace, participants: int) -> dict[str, object]:
    """Every replication at one sample size, summarised."""
    rng = np.random.default_rng(args.seed)
    wijk, age, answers = simulate_population(rng, args.population, args.statements, args.effect)
    margins = PopulationMargins(
        {
            "wijk": {w: int((wijk == i).sum()) for i, w in enumerate(WIJKEN)},
            "leeftijd": {a: int((age == i).sum()) for i, a in enumerate(AGES)},
        }
    )
    truth = (answers == 1).mean(axis=0)
    started = time.perf_counter()
    runs = [
        replicate(rng, wijk, age, answers, margins, truth, participants, args.density)
        for _ in range(args.reps)
    ]
    joined = {key: np.concatenate([r[key] for r in runs]) for key in runs[0]}
    mae_plain, mae_weighted = float(joined["plain"].mean()), float(joined["weighted"].mean())
    floor = float(joined["floor"].mean())
    # Per statement, the error averaged over the replications: what is left when chance is not.
    bias_plain = float(np.abs(np.mean([r["plain_error"] for r in runs], axis=0)).mean())
    bias_weighted = float(np.abs(np.mean([r["weighted_error"] for r in runs], axis=0)).mean())
    return {
        "participants": int(np.median(joined["n"])),
        "effective_size": int(np.median(joined["ess"])),
        "statements": args.statements,
        "effect": args.effect,
        "reps": args.reps,
        "mae_unweighted": round(mae_plain, 4),
        "mae_weighted": round(mae_weighted, 4),
        "mae_reduction": round(1 - mae_weighted / mae_plain, 3),
        "mae_random_sample": round(floor, 4),
        "mae_gap_closed": round((mae_plain - mae_weighted) / max(mae_plain - floor, 1e-12), 3),
        "bias_unweighted": round(bias_plain, 4),
        "bias_weighted": round(bias_weighted, 4),
        "bias_reduction": round(1 - bias_weighted / bias_plain, 3),
        "coverage_90": round(float(joined["covered"].mean()), 3),
        "wrong_flips": round(float(joined["wrong_flip"].mean()), 4),
        "fixed_flips": round(float(joined["fixed_flip"].mean()), 4),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=20_000)
    parser.add_argument("--participants", type=int, nargs="+", default=[400, 1_000, 3_000])
    parser.add_argument("--statements", type=int, default=40)
    parser.add_argument("--density", type=float, default=0.6)
    parser.add_argument(
        "--effect",
        type=float,
        default=1.0,
        help="spread (logit SD) of how much wijk and age band move agreement",
    )
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    lines = [run(args, n) for n in args.participants]
    for line in lines:
        print(json.dumps(line), flush=True)
    print(
        json.dumps(
            {
                "summary": True,
                "benchmark": "representativeness",
                "effect": args.effect,
                "mae_reduction": {str(ln["participants"]): ln["mae_reduction"] for ln in lines},
                "bias_reduction": {str(ln["participants"]): ln["bias_reduction"] for ln in lines},
                "mae_gap_closed": {str(ln["participants"]): ln["mae_gap_closed"] for ln in lines},
                "coverage_90": {str(ln["participants"]): ln["coverage_90"] for ln in lines},
                "wrong_flips": {str(ln["participants"]): ln["wrong_flips"] for ln in lines},
                "meets_mae_at": [
                    ln["participants"] for ln in lines if _num(ln["mae_reduction"]) >= 0.5
                ],
                "meets_bias_at": [
                    ln["participants"] for ln in lines if _num(ln["bias_reduction"]) >= 0.5
                ],
                "meets_coverage_at": [
                    ln["participants"] for ln in lines if 0.85 <= _num(ln["coverage_90"]) <= 0.95
                ],
            }
        )
    )


def _num(value: object) -> float:
    return float(str(value))


if __name__ == "__main__":
    main()
