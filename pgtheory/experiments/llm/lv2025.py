r"""Unified Policy Gradient Estimator and HPT (Lv et al. 2025, arXiv:2509.04419 v1), exactly on a bandit.

``lv2025-unified-gradient``
    The paper writes SFT, REINFORCE, PPO, GRPO, SRFT, LUFFY, ... as
    :math:`\mathbb 1_{stable}\frac1{\pi_{ref}}\hat A\nabla\pi_\theta` and calls them gradients of one
    objective :math:`J_\mu=\mathbb E_{\pi_\theta}[r]-\mu\mathrm{KL}(\pi_\beta\|\pi_\theta)` under different
    data assumptions and bias-variance trade-offs. Exactly (joint count-vector enumeration of an
    on-policy group from :math:`\pi_{old}` and demonstrations from :math:`\pi_\beta`): the rows whose
    :math:`\pi_{ref}` is the law that drew the samples and whose advantage is the raw reward are
    unbiased for :math:`\nabla J_\mu` (or its part); the stabilisation mask is inactive at
    :math:`\theta=\theta_{old}`; group-normalised advantages and :math:`\pi_{ref}\equiv1` on
    demonstrations (SRFT/LUFFY rows) are biased (our finding, within the "bias-variance" the paper
    names).
``lv2025-hpt-switch``
    HPT's released switch (SFT on the demonstration when none of ``n`` rollouts succeeds, RL
    otherwise): :math:`P(\text{SFT})=(1-p)^n` and
    :math:`\mathbb E[u]=\mu(1-p)^n(e_{y^\star}-\pi)+w_n(p)\nabla p` exactly (GRPO's weight
    :math:`w_n`), i.e. a question-dependent mix of the two gradients.

Provenance: abstract [A]; the table of algorithms and Algorithm 1 as figures shipped in the authors'
repository [V]; README formula and switch rule [C]; the common objective from a third-party review
[T]; the exact computations are ours [I].
"""

from __future__ import annotations

import numpy as np

from ...bounds.catalog.lv2025 import LV2025 as CITATION
from .._registry import get
from ._common import EPS, SAFETY, register_check, _cos, _rel, _src, _sub, _sum_tol
from ._data import write_data

__all__ = ["CITATION", "check_unified_gradient", "check_hpt_switch"]

KEY = "lv2025"
SOURCE = "Lv et al. 2025, Towards a Unified View of LLM Post-Training, arXiv:2509.04419 v1"
ABS = f"{SOURCE} (abstract)"
TABLE = f"{SOURCE}, table of post-training algorithms (figure in TsinghuaC3I/Unify-Post-Training)"
REVIEW = "themoonlight.io review of arXiv:2509.04419 (common objective J_mu)"
GRPO = {"ddof": 1, "epsilon": 1e-6}


def _instance():
    th = np.array([0.4, -0.3, 0.9, 0.0])
    q = np.array([0.9, 0.1, 0.6, 0.3])  # Bernoulli success probability of each response
    beta = np.array([1.5, -1.0, 0.5, -0.5])  # demonstrations favour the best response
    return th, q, beta


def check_unified_gradient(quick: bool = True) -> dict:
    """UPGE rows on a bandit: unbiased where pi_ref is the sampling law and A the raw reward; biased otherwise."""
    import pgtheory.bandits as B
    from ...ratecheck import check_identity, check_ordering, check_unbiased

    subs = []
    th, q, beta = _instance()
    mu = 0.5
    G_on, G_off = (3, 2) if quick else (4, 3)
    K = th.size
    gJ = B.exact_logit_gradient(th, q)
    sft_target = B.policy_probs(beta) @ (np.eye(K) - B.policy_probs(th))
    target = B.unified_target(th, q, mu, beta)
    R = B.UnifiedRow
    rows = {
        "SFT (pi_ref = pi_theta, A = 1, demonstrations)":
            (R("sft", on_adv="zero", off_ref="current", off_adv="one", mu=mu), None, mu * sft_target),
        "REINFORCE (pi_ref = pi_theta, A = r, on-policy)": (R("reinforce", on_ref="current"), None, gJ),
        "REINFORCE +-1 (A = 2r - 1, on-policy)": (R("reinforce_pm1", on_ref="current", on_adv="pm1"), None, 2 * gJ),
        "PPO (pi_ref = pi_old, clip 0.2, A = r) at theta_old": (R("ppo", clip_epsilon=0.2), None, gJ),
        "PPO off-policy, ratios inside [0.8, 1.2]":
            (R("ppo", clip_epsilon=0.2), th + np.array([0.05, -0.05, 0.03, 0.0]), gJ),
        "unified: importance-weighted rollouts + mu x SFT on demonstrations":
            (R("unified", off_ref="current", off_adv="one", mu=mu), th + np.array([0.3, -0.2, 0.1, 0.0]), target),
    }
    got, want, table, tol = [], [], {}, 0.0
    for label, (row, old, tgt) in rows.items():
        g_off = G_off if row.off_adv != "zero" else 0
        g_on = G_on if row.on_adv != "zero" else 0
        m = B.unified_exact_moments(row, th, q, g_on, g_off, old_logits=old, beta_logits=beta, binary=True)
        got.append(m.mean[0])
        want.append(tgt)
        ratio = 1.0 if old is None else float(np.max(B.policy_probs(th) / B.policy_probs(old)))
        tol = max(tol, _sum_tol(m.n_groups, 2.0 * (1 + mu) * ratio + np.sqrt(np.trace(m.cov[0])))[0])
        table[label] = {"rel_err": _rel(m.mean[0], tgt), "n_joint_count_vectors": m.n_groups}
    c_a = check_unbiased(np.concatenate(want), mean=np.concatenate(got), exact=True, atol=tol,
                         name="rows with pi_ref = the sampling law and raw advantages are unbiased for grad J_mu",
                         source=_src(f"{ABS}; {TABLE}; J_mu from {REVIEW}", "secondary"),
                         target_label="grad J_mu (or its part)",
                         stated="post-training gradients are instances of one objective's gradient: with binary "
                                f"rewards, K=4, {G_on} rollouts from pi_old and {G_off} demonstrations from pi_beta "
                                f"(mu = {mu}), SFT has E = -mu grad KL(pi_beta||pi_theta), REINFORCE E = grad E r "
                                "(+-1 advantages: 2 grad E r), PPO's importance-weighted clipped row E = grad E r at "
                                "theta_old and while ratios stay inside the clip range, and the unified row (importance-"
                                "weighted rollouts + mu x SFT) E = grad J_mu exactly; tolerance: joint count vectors x "
                                "eps x magnitude x8")
    subs.append(_sub("SFT, REINFORCE, PPO and the unified row are unbiased for (parts of) grad J_mu when pi_ref is the "
                     "sampling law and the advantage raw", f"{ABS}; {TABLE}", "holds in expectation",
                     {"rows": table, "mu": mu, "G_on": G_on, "G_off": G_off}, "secondary", [c_a]))
    # the SFT identity E_beta[grad log pi_theta] = -grad KL(pi_beta || pi_theta), against central differences
    pb = B.policy_probs(beta)

    def kl(t):
        return float(np.sum(pb * (np.log(pb) - np.log(B.policy_probs(t)))))

    h = 1e-5
    fd = -np.array([(kl(th + h * e) - kl(th - h * e)) / (2 * h) for e in np.eye(K)])
    lse = float(np.max(np.abs(th))) + np.log(K)
    atol_fd = h ** 2 / 6 + SAFETY * EPS * (kl(th) + lse) / h
    c_k = check_identity(sft_target, fd, rtol=0.0, atol=atol_fd,
                         tol_reason=f"central differences, h = {h:g}: truncation h^2/6 (third cumulant of a softmax "
                                    "coordinate <= 1) plus rounding eps (KL + log-sum-exp) / h x8",
                         name="SFT's expected gradient is -grad KL(pi_beta || pi_theta)",
                         source=_src(f"{TABLE} (SFT row); J_mu from {REVIEW}", "secondary"),
                         stated="E_{y ~ pi_beta}[grad log pi_theta(y)] = -grad_theta KL(pi_beta || pi_theta): the SFT "
                                "row is the gradient of the KL part of J_mu (K = 4, central differences of the KL)")
    subs.append(_sub("SFT on demonstrations is the gradient of -KL(pi_beta || pi_theta)", TABLE, "holds exactly",
                     {"max_abs_diff_vs_finite_differences": float(np.max(np.abs(sft_target - fd))), "h": h},
                     "secondary", [c_k]))
    # the stabilisation mask at theta_old
    ppo = R("ppo", clip_epsilon=0.2)
    no_clip = R("is")
    m1 = B.unified_exact_moments(ppo, th, q, G_on, 0, binary=True)
    m2 = B.unified_exact_moments(no_clip, th, q, G_on, 0, binary=True)
    atol, why = _sum_tol(m1.n_groups, 2.0)
    c_b = check_identity(m1.mean, m2.mean, rtol=0.0, atol=atol, tol_reason=why,
                         name="the stabilisation mask is inactive at theta = theta_old",
                         source=_src(f"{TABLE} (1_stable: PPO/GRPO clip)", "paper"),
                         stated="at theta = theta_old every ratio is 1, so PPO's clip mask keeps every sample: the "
                                "masked and unmasked rows have the same expectation")
    subs.append(_sub("1_stable = 1 at theta = theta_old", TABLE, "holds exactly",
                     {"max_abs_diff": float(np.max(np.abs(m1.mean - m2.mean)))}, "paper", [c_b]))
    # biased rows: normalised advantages, pi_ref = 1 on demonstrations, PPO beyond the clip range
    far = th + np.array([0.6, -0.6, 0.4, 0.0])
    biased = {
        "GRPO (group-normalised A) + mu x SFT": (R("grpo_sft", on_adv="group", off_adv="one", mu=mu, **GRPO), None,
                                                 target),
        "SRFT/LUFFY (pi_ref = 1 on demonstrations, A normalised over both parts)":
            (R("luffy", on_adv="pooled", off_ref="one", off_adv="pooled", aggregation="pooled", **GRPO), None, target),
        "PPO off-policy, ratios outside [0.8, 1.2]": (ppo, far, gJ),
    }
    cosines, limits, btab = [], [], {}
    for label, (row, old, tgt) in biased.items():
        g_off = G_off if row.off_adv != "zero" else 0
        m = B.unified_exact_moments(row, th, q, G_on, g_off, old_logits=old, beta_logits=beta, binary=True)
        c = _cos(m.mean[0], tgt)
        cosines.append(c)
        t_ = _sum_tol(m.n_groups, 4.0 * (1 + mu) + np.sqrt(np.trace(m.cov[0])))[0]
        limits.append(1.0 - 2 * t_ / min(np.linalg.norm(m.mean[0]), np.linalg.norm(tgt)))
        btab[label] = {"cos(E g, target)": c, "rel_err": _rel(m.mean[0], tgt),
                       "scale E g . target / |target|^2": float(m.mean[0] @ tgt / (tgt @ tgt))}
    c_c = check_ordering(cosines, limits, relation="<",
                         name="normalised advantages, pi_ref = 1 rows and PPO beyond its clip range are biased for grad J_mu",
                         source=_src(f"our derivation on {TABLE}", "inferred"),
                         stated="finding (ours; the paper speaks of bias-variance trade-offs between the rows): the "
                                "expected GRPO+SFT, SRFT/LUFFY and far-off-policy PPO updates are not positive multiples "
                                "of grad J_mu (or grad E r for PPO): cosine below 1 minus rounding",
                         left_label="cos(E g, target)", right_label="1 - rounding")
    subs.append(_sub("rows with normalised advantages or pi_ref = 1 estimate grad J_mu", f"{TABLE}; our derivation",
                     "biased (expected)", {"rows": btab}, "inferred", [c_c]))
    labels = list(rows) + list(biased)
    data = {"lv2025-unified-gradient_rows.json": {"unbiased_rows": table, "biased_rows": btab, "labels": labels}}
    return {"name": "lv2025-unified-gradient", "subchecks": subs, "data": data}


def check_hpt_switch(quick: bool = True) -> dict:
    """HPT's switch: P(SFT) = (1-p)^n and the expected update mu (1-p)^n s(y*) + w_n(p) grad p, by enumeration."""
    import pgtheory.bandits as B
    from ...ratecheck import check_identity

    subs = []
    ns = (2, 4, 8) if quick else (2, 4, 8, 16)
    ps = (0.1, 0.3, 0.6, 0.9)
    mu = 1.0
    got_p, want_p, got_u, want_u, rows, tol_p, tol_u = [], [], [], [], [], 0.0, 0.0
    for p in ps:
        th = np.log([p / 2, p / 2, (1 - p) / 2, (1 - p) / 2])
        r = np.array([1.0, 1.0, 0.0, 0.0])
        s_demo = np.eye(4)[0] - B.policy_probs(th)
        for n in ns:
            out = B.hpt_expected_update(th, r, n, 0, mu=mu, estimator="grpo", **GRPO)
            w = float(B.binary_weight("grpo", p, n, **GRPO))
            got_p.append(out["p_sft"])
            want_p.append((1 - p) ** n)
            got_u.append(out["mean"])
            want_u.append(mu * (1 - p) ** n * s_demo + w * B.exact_logit_gradient(th, r))
            N = B.num_count_vectors(4, n)
            tol_p = max(tol_p, _sum_tol(N, 1.0 + n * abs(np.log(min(p, 1 - p) / 2)))[0])
            tol_u = max(tol_u, _sum_tol(N + n, (1.0 + n * abs(np.log(min(p, 1 - p) / 2))) * max(1.0, w, mu))[0])
            rows.append({"p": p, "n": n, "P_sft": out["p_sft"], "(1-p)^n": (1 - p) ** n, "w_n(p)": w})
    c_a = check_identity(got_p, want_p, rtol=0.0, atol=tol_p,
                         tol_reason="count vectors x eps x (1 + n |log q_min|) x8",
                         name="HPT switch: P(SFT branch) = (1-p)^n",
                         source=_src("Unify-Post-Training mix_trainer.py (SFT when no rollout succeeds); the formula: "
                                     "our derivation", "code"),
                         stated="with the released gate (SFT on the demonstration when 0 of n rollouts succeed) the "
                                f"SFT branch has probability (1-p)^n (p in {ps}, n in {ns}, enumerated)")
    c_b = check_identity(np.concatenate(got_u), np.concatenate(want_u), rtol=0.0, atol=tol_u,
                         tol_reason="(count vectors + n) x eps x (1 + n |log q_min|) x max(1, w, mu) x8",
                         name="HPT's expected update = mu (1-p)^n (e_demo - pi) + w_n(p) grad p",
                         source=_src(f"{SOURCE}, Algorithm 1 (figure) and the released switch; the formula: our "
                                     "derivation", "inferred"),
                         stated="finding (ours): the expected HPT update mixes the SFT gradient with weight mu (1-p)^n "
                                "and the GRPO gradient with GRPO's exact weight w_n(p) (all-wrong groups give GRPO no "
                                "update, so the RL branch's expectation is the whole GRPO expectation): one objective per "
                                "question with a p-dependent mixing weight")
    subs.append(_sub("HPT's switch: P(SFT) = (1-p)^n; expected update = mu (1-p)^n s(y*) + w_n(p) grad p",
                     f"{SOURCE}, Algorithm 1; released switch rule", "holds exactly",
                     {"instances": len(rows), "p": list(ps), "n": list(ns), "mu": mu,
                      "max_abs_diff_P_sft": float(np.max(np.abs(np.subtract(got_p, want_p)))),
                      "max_abs_diff_update": float(np.max(np.abs(np.concatenate(got_u) - np.concatenate(want_u)))),
                      "rows": "in lv2025-hpt-switch_instances.json"},
                     "inferred", [c_a, c_b]))
    pg = np.linspace(0.01, 0.99, 99)
    curves = {"p": pg}
    for n in (4, 8, 16):
        curves[f"sft_weight_n={n}"] = (1 - pg) ** n
        curves[f"rl_weight_n={n}"] = B.binary_weight("grpo", pg, n, **GRPO)
    data = {"lv2025-hpt-switch_weights.csv": curves, "lv2025-hpt-switch_instances.json": rows}
    return {"name": "lv2025-hpt-switch", "subchecks": subs, "data": data}


register_check("lv2025-unified-gradient", check_unified_gradient,
               "UPGE: rows with the true sampling law and raw advantages are unbiased for grad J_mu; "
               "normalised / pi_ref = 1 rows are biased", SOURCE, papers=(KEY,), draw=write_data,
               figure=False)  # its data (the rows) has no figure
register_check("lv2025-hpt-switch", check_hpt_switch,
               "HPT: P(SFT branch) = (1-p)^n; the expected update mixes SFT and GRPO with p-dependent weights",
               SOURCE, papers=(KEY,), draw=write_data)

for _name in ('lv2025-unified-gradient', 'lv2025-hpt-switch'):  # pgtheory.cite(experiments.get(name).run) prints the BibTeX
    get(_name).run.__citation__ = (CITATION,)
