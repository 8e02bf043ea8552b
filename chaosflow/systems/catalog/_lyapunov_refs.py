"""Reference largest Lyapunov exponents of the catalog flows, chosen by one rule for all.

Rule, applied to every flow in this order (the first that exists wins), decided before any
comparison with chaosflow's own sweep (``benchmarks/lyapunov_sweep.py``):

1. **published**: a value published for exactly these equations and parameters, computed from
   the equations (tangent space or renormalised twin trajectories), in base e per unit time,
   whose source was read (``PUBLISHED``, each with its source). Values only recalled from a
   book that could not be read here (``RECALLED``) do not count.
2. **independent QR**: chaosflow's independent reference (``INDEPENDENT``;
   ``benchmarks/lyapunov_reference.py``, table in ``benchmarks/results/lyapunov_reference.md``):
   scipy DOP853 at rtol 1e-10 on the state and the variational equations, full spectrum by QR,
   6 starts around ``metadata.x0`` (1e-3 apart; 1e-5 for conservative flows, whose islands
   1e-3 can reach), ≥ 1000 periods or ≥ 200/λ1 (capped at 20 s of CPU per run; one longer
   run, 60 s, 120 s or 300 s, where only the statistical checks failed), kept only
   where it passed its own checks: Σλ = ⟨∇·f⟩ along the run (1% of Σ|λ|), an
   exponent ≈ 0 for autonomous flows (5% of λ1), λ1·P ≥ 0.01, λ1·T ≥ 50, standard error over
   the starts ≤ 5%, and an rtol 1e-8 rerun within 10% (or 3 standard errors). Its estimator shares nothing
   with the sweep's (RK4, twin trajectories, λmax only) but the catalog's ``rhs``.
3. **dysts QR**: dysts' ``lyapunov_spectrum_estimated[0]``, the largest exponent of the
   Jacobian spectrum: ``dysts.analysis.find_lyapunov_exponents`` propagates ``I + J dt``
   (finite-difference Jacobian) along a 15,000-point trajectory at 500 points per period and
   re-orthonormalises by QR every step; ``benchmarks/find_attractor_properties.py`` averages 20
   initial conditions with weights ``exp(-1000 min|λ_i|)`` (dysts repository, read 2026-11).
   Used where it is positive: the catalog's reference is a positive λmax (a zero spectrum,
   Torus, means dysts found no chaos there).
4. **dysts naive**: dysts' ``maximum_lyapunov_estimated``: the slope of the log distance of two
   trajectories started 1e-10 apart, fitted until it reaches 1e-3 relative, median of 1000
   starts (``dysts.analysis.lyapunov_exponent_naive``,
   ``benchmarks/calculate_all_lyapunov_exponents.py``). Unrenormalised, so the fit includes
   the alignment transient and the saturation.
5. **recalled**: the flows outside dysts with only a recalled value (``RECALLED``).

Why this order: a read source first; then a computation that proves its own quality; dysts'
QR λ1 is a 30-period, first-order (I + J dt) estimate whose spectrum fails Σλ = ⟨∇·f⟩ or
lacks a zero exponent for 13 flows, and its naive estimate is further off (on the 21 flows
with a published value, dysts' QR λ1 is within 20% for 12, median error 19%; the naive value
for 7, median error 56%). dysts' numbers stay in ``DYSTS_LYAPUNOV`` beside every reference, so
disagreements stay visible.
"""

from __future__ import annotations

import math

_SPROTT_1994 = (
    "Sprott (1994) Phys. Rev. E 50, R647, Table I (3 decimals, base e; values as reproduced "
    "in Wang, Kuznetsov & Chen (2021) Chaotic Systems with Multistability and Hidden "
    "Attractors, Springer, ch. 1; the primary table itself was not read here)"
)

#: λ1 of Sprott's cases A–S in order (A, the conservative Nosé–Hoover case, from a start in
#: its chaotic sea).
_SPROTT_1994_LAMBDA = (
    *(0.014, 0.210, 0.163, 0.103, 0.078, 0.117, 0.034, 0.117, 0.012, 0.076),
    *(0.038, 0.061, 0.044, 0.076, 0.049, 0.087, 0.109, 0.062, 0.188),
)

#: name -> (λmax per unit time, source), rule 1.
PUBLISHED: dict[str, tuple[float, str]] = {
    "Lorenz": (
        0.9056,
        "Sprott (2003) Chaos and Time-Series Analysis, OUP, App. A; 0.906 on Sprott's page "
        "sprott.physics.wisc.edu/chaos/lorenzle.htm (RK4, h = 0.001, t > 10^6)",
    ),
    "Rossler": (0.0714, "Sprott (2003) Chaos and Time-Series Analysis, OUP, App. A"),
    **{
        f"Sprott{case}": (value, _SPROTT_1994)
        for case, value in zip(
            "ABCDEFGHIJKLMNOPQRS",
            _SPROTT_1994_LAMBDA,
            strict=True,
        )
    },
    "SprottJerk": (
        0.0551,
        "Sprott (1997) Phys. Lett. A 228, 271 (A = 2.017); 0.0551 (spectrum 0.0551, 0, -2.0721, "
        "RK4 h = 0.001) on sites.google.com/view/lyapunov-spectrum/home/sprott_eqs",
    ),
}

INDEPENDENT_QR = (
    "chaosflow independent QR reference (benchmarks/lyapunov_reference.py: DOP853 rtol 1e-10, "
    "variational equations, full spectrum, 6 starts; passed Σλ = ⟨∇·f⟩, zero-exponent, spread "
    "and rtol checks)"
)
DYSTS_QR = "dysts lyapunov_spectrum_estimated[0] (Jacobian QR, Gilpin 2021)"
DYSTS_NAIVE = "dysts maximum_lyapunov_estimated (unrenormalised twin trajectories, Gilpin 2021)"

#: name -> (dysts QR λ1, dysts naive λmax, sum of dysts' QR spectrum, its smallest |λ_i|), per
#: unit time, from dysts' chaotic_attractors.json. The last two test the QR spectrum against
#: two exact properties of a flow's spectrum: the sum is the mean divergence of the vector
#: field on the attractor, and one exponent (the flow direction) is zero.
DYSTS_LYAPUNOV: dict[str, tuple[float, float, float, float]] = {
    "Aizawa": (0.08948, 0.1349, -0.1993, 0.02),
    "AnishchenkoAstakhov": (0.03978, 0.1011, -0.3996, 0.00088),
    "Arneodo": (0.2429, 0.2374, -0.9747, 0.00062),
    "ArnoldBeltramiChildress": (1.472, 0.3667, -0.9246, 0.018),
    "ArnoldWeb": (0.06266, 0.06514, 0.06075, 0.0011),
    "AtmosphericRegime": (math.nan, 0.01054, math.nan, math.nan),
    "BeerRNN": (0.01627, 0.03877, -0.5157, 0.00012),
    "BelousovZhabotinsky": (114.6, 132.1, -5415, 0.47),
    "BickleyJet": (1.965e-07, 3.032e-06, 1.027e-07, 2.5e-09),
    "Blasius": (0.04713, 0.126, -2.887, 0.0018),
    "BlinkingRotlet": (5.609, 2.12, -0.5507, 0.008),
    "BlinkingVortex": (4.877, 2.863, -0.601, 0.0016),
    "Bouali": (0.04911, 0.06013, -0.1719, 0.00069),
    "Bouali2": (0.02039, 0.07682, 0.01413, 0.0033),
    "BurkeShaw": (2.345, 2.325, -8.853, 0.027),
    "CaTwoPlus": (0.5788, 0.5803, -8.683, 0.023),
    "CaTwoPlusQuasiperiodic": (0.1621, 0.4808, 0.08493, 0.022),
    "CellCycle": (0.0047, 0.01017, -10.26, 0.00036),
    "CellularNeuralNetwork": (0.098, 2.326, -0.5045, 0.0036),
    "Chen": (2.047, 2.006, -9.845, 0.05),
    "ChenLee": (0.1646, 0.1636, -5.321, 0.00018),
    "Chua": (0.4605, 1.23, -3.856, 0.0022),
    "CircadianRhythm": (0.09298, 0.006263, -1.504, 0.00047),
    "CoevolvingPredatorPrey": (0.003488, 0.007327, -1.962, 0.0017),
    "Colpitts": (0.1375, 0.3736, -0.866, 0.0021),
    "Coullet": (0.1489, 0.1372, -0.4385, 6.5e-05),
    "Dadras": (0.4734, 0.4059, -10.68, 0.0065),
    "DequanLi": (1.86, 0.7397, -0.9083, 0.099),
    "DoubleGyre": (0.06286, 0.1219, -0.007151, 0.0037),
    "DoublePendulum": (8.464, 3.985, -2.051, 0.17),
    "Duffing": (0.09952, 0.1403, -0.07612, 0.00031),
    "ExcitableCell": (17.03, 0.7164, -113, 0.33),
    "Finance": (0.1071, 0.09354, -0.5199, 0.00098),
    "FluidTrampoline": (0.08081, 0.2231, -0.0144, 0.0012),
    "ForcedBrusselator": (0.002831, 0.01533, -0.2451, 0.0028),
    "ForcedFitzHughNagumo": (0.0006271, 0.007561, -0.9556, 0.00063),
    "ForcedVanDerPol": (0.2652, 0.00351, -20.34, 0.00085),
    "GenesioTesi": (0.09974, 0.1051, -0.4281, 0.00038),
    "GuckenheimerHolmes": (0.3408, 0.7886, -0.584, 0.0032),
    "Hadley": (0.3117, 0.2387, -0.1168, 0.0011),
    "Halvorsen": (0.5862, 0.6964, -4.133, 0.032),
    "HastingsPowell": (0.008585, 0.01253, -0.5026, 0.0058),
    "HenonHeiles": (0.02675, 0.03551, 0.02708, 1.4e-05),
    "HindmarshRose": (0.2621, 0.6535, -6.247, 0.0018),
    "Hopfield": (0.07726, 0.5684, -2.431, 0.00018),
    "HyperBao": (0.696, 0.7942, -19.06, 0.016),
    "HyperCai": (1.634, 1.678, -10.99, 0.0033),
    "HyperJha": (0.3949, 0.387, -12.33, 0.0056),
    "HyperLorenz": (0.2926, 0.3289, -12.53, 0.047),
    "HyperLu": (1.086, 1.043, -17.72, 0.028),
    "HyperPang": (1.587, 1.447, -19.14, 0.0012),
    "HyperQi": (13.91, 12.79, -42.62, 0.05),
    "HyperRossler": (0.2786, 0.1719, -70.29, 7.7e-05),
    "HyperWang": (1.222, 1.293, -12.51, 0.0076),
    "HyperXu": (1.042, 0.982, -12.45, 0.0034),
    "HyperYan": (0.912, 1.395, -53.28, 0.15),
    "HyperYangChen": (0.5743, 0.4204, -33.85, 0.024),
    "InteriorSquirmer": (0.8447, 0.8447, 0.1792, 0.066),
    "IsothermalChemical": (0.3366, 0.4501, -7.107, 0.051),
    "ItikBanksTumor": (0.02216, 0.03622, -0.5525, 0.014),
    "JerkCircuit": (0.3949, 0.2923, -0.561, 0.18),
    "KawczynskiStrizhak": (0.02561, 0.07571, -0.3527, 0.026),
    "Laser": (0.7637, 0.6081, -15.12, 0.021),
    "LidDrivenCavityFlow": (1.008, 2.173, -0.01461, 0.0028),
    "LiuChen": (0.2133, 0.2457, -19.57, 0.21),
    "Lorenz": (1.091, 0.8917, -13.79, 0.03),
    "Lorenz84": (1.047, 0.4615, -1.25, 0.045),
    "LorenzBounded": (0.8498, 0.7124, -11.27, 0.0014),
    "LorenzCoupled": (1.222, 1.028, -30.55, 0.12),
    "LorenzStenflo": (0.4494, 0.3808, -5.682, 0.026),
    "LuChen": (0.6652, 0.3267, -21.76, 0.15),
    "LuChenCheng": (0.3511, 0.2613, -11.22, 0.012),
    "MacArthur": (0.1935, 0.2495, -18.92, 0.0049),
    "MooreSpiegel": (0.4074, 0.6977, -0.8122, 0.022),
    "MultiChua": (0.2211, 1.462, -2.883, 0.0014),
    "NewtonLiepnik": (0.1724, 0.1494, -0.6076, 0.00037),
    "NoseHoover": (0.04757, 0.01046, 0.0373, 0.0014),
    "NuclearQuadrupole": (0.2786, 0.2955, 0.07458, 0.0045),
    "OscillatingFlow": (0.4274, 0.1347, -0.0165, 0.005),
    "PanXuZhou": (0.8697, 0.6132, -12.86, 0.016),
    "PehlivanWei": (0.09512, 0.1042, -0.5202, 0.0015),
    "Qi": (2.036, 2.192, -46.54, 0.13),
    "QiChen": (3.888, 4.028, -39.81, 0.13),
    "RabinovichFabrikant": (0.2423, 0.2541, -0.4294, 1.7e-05),
    "RayleighBenard": (1.71, 1.814, -17.02, 0.31),
    "RikitakeDynamo": (0.1457, 0.1318, -2.028, 0.00072),
    "Rossler": (0.07633, 0.1506, -5.657, 0.0075),
    "Rucklidge": (0.1829, 0.1936, -3.036, 0.0039),
    "Sakarya": (0.3081, 0.265, -0.95, 0.00035),
    "SaltonSea": (0.3914, 1.07, -4.205, 0.0038),
    "SanUmSrisuchinwong": (0.2391, 0.2606, -0.9908, 0.00029),
    "ShimizuMorioka": (0.04403, 0.03577, -1.366, 1.4e-05),
    "SprottA": (0.02926, 0.01299, 0.03269, 0.0016),
    "SprottB": (0.2199, 0.2067, -0.9895, 0.0052),
    "SprottC": (0.179, 0.1581, -0.9862, 0.00073),
    "SprottD": (0.1142, 0.1017, -1.344, 0.0018),
    "SprottE": (0.09834, 0.09016, -0.9973, 0.00031),
    "SprottF": (0.1325, 0.1183, -0.4513, 0.019),
    "SprottG": (0.03349, 0.09068, -0.586, 0.0013),
    "SprottH": (0.1387, 0.131, -0.4467, 0.0035),
    "SprottI": (0.02046, 0.02322, -1.011, 9.5e-06),
    "SprottJ": (0.04452, 0.1229, -2.01, 0.0011),
    "SprottJerk": (0.06738, 0.08785, -2.068, 0.00078),
    "SprottK": (0.03778, 0.05963, -0.8562, 0.00051),
    "SprottL": (0.03407, 0.09216, -0.9793, 0.00039),
    "SprottM": (0.0523, 0.08422, -0.9872, 0.00033),
    "SprottMore": (0.325, 1.095, 0.005649, 0.00016),
    "SprottN": (0.06096, 0.1187, -2.041, 6.6e-05),
    "SprottO": (0.06686, 0.09141, -0.2382, 0.012),
    "SprottP": (0.1026, 0.1065, -0.3815, 0.00025),
    "SprottQ": (0.137, 0.1717, -0.476, 0.001),
    "SprottR": (0.07608, 0.09661, -1.001, 0.0014),
    "SprottS": (0.2149, 0.2738, -0.9766, 0.003),
    "SprottTorus": (0.2966, 0.1057, -0.09398, 0.00055),
    "StickSlipOscillator": (0.07073, 0.06406, 0.04945, 3.4e-05),
    "SwingingAtwood": (7.735, 1.011, 0.1068, 3),
    "Thomas": (0.759, 0.6324, -5.606, 0.057),
    "ThomasLabyrinth": (1.339, 1.391, -1.503, 0.005),
    "Torus": (0, 0.008173, 0, 0),
    "Tsucs2": (0.6414, 0.1362, -0.906, 0.22),
    "TurchinHanski": (0.0372, 0.1291, -2.667, 0.037),
    "VallisElNino": (0.6562, 0.5478, -4.954, 0.023),
    "WangSun": (0.07991, 0.06735, -1.245, 0.001),
    "WindmiReduced": (0.156, 0.4035, -1.489, 9.7e-05),
    "YuWang": (2.46, 1.853, -11.62, 0.073),
    "YuWang2": (0.8027, 1.158, -12.27, 0.008),
    "ZhouChen": (0.5917, 0.6828, -12.4, 0.0052),
}


_SPROTT_2003_RECALLED = (
    "Sprott (2003) Chaos and Time-Series Analysis, Oxford Univ. Press, Appendix A [value "
    "recalled, not checked against the book; the book could not be read here]"
)

#: name -> (λ1, source) of flows outside dysts whose λ1 was recalled, not read (rule 5).
RECALLED: dict[str, tuple[float, str]] = {
    name: (value, _SPROTT_2003_RECALLED)
    for name, value in (
        ("DiffusionlessLorenz", 0.2101),
        ("ComplexButterfly", 0.1690),
        ("LinzSprott", 0.0362),
        ("DoubleScrollJerk", 0.0497),
        ("MalasomaCubic", 0.0837),
        ("DrivenPendulum", 0.1400),
    )
}

#: name -> full Lyapunov spectrum (descending, per unit time) of the independent reference
#: runs that passed every check (rule 2); ``python benchmarks/lyapunov_reference.py --emit``
#: prints these lines from ``benchmarks/results/lyapunov_reference.json``. The comment is
#: dysts' QR λ1 (or the recalled value) for comparison.
INDEPENDENT: dict[str, tuple[float, ...]] = {
    "Aizawa": (0.09412, 0.000143, -0.329),  # dysts QR 0.08948
    "AnishchenkoAstakhov": (0.0416, -1.21e-05, -0.4564),  # dysts QR 0.03978
    "Arneodo": (0.2046, 0.0001402, -1.205),  # dysts QR 0.2429
    "ArnoldBeltramiChildress": (0.1027, -3.331e-06, -0.1027),  # dysts QR 1.472
    "BeerRNN": (0.009756, 0.0001199, -0.4687),  # dysts QR 0.01627
    "Blasius": (0.05983, -0.0001048, -2.864),  # dysts QR 0.04713
    "BlinkingRotlet": (0.6163, 0, -0.6164),  # dysts QR 5.609
    "Bouali": (0.02532, 1.043e-05, -0.1967),  # dysts QR 0.04911
    "BurkeShaw": (2.292, -0.0002526, -11.29),  # dysts QR 2.345
    "CaTwoPlus": (0.3858, 0.0005101, -9.152),  # dysts QR 0.5788
    "Chen": (2.028, 0.0007928, -12.03),  # dysts QR 2.047
    "ChenLee": (0.1439, 0.0007434, -5.525),  # dysts QR 0.1646
    "Chua": (0.427, 0.001163, -4.219),  # dysts QR 0.4605
    "Colpitts": (0.1077, -0.0007758, -0.9869),  # dysts QR 0.1375
    "Coullet": (0.01405, 3.958e-06, -0.4641),  # dysts QR 0.1489
    "Dadras": (0.3762, -8.993e-05, -10.68),  # dysts QR 0.4734
    "DiffusionlessLorenz": (0.2097, -3.094e-05, -1.21),  # recalled 0.2101
    "DoublePendulum": (1.402, 0.001502, -0.001502, -1.402),  # dysts QR 8.464
    "DrivenPendulum": (0.1433, 0, -0.1933),  # recalled 0.14
    "Duffing": (0.1272, 0, -0.2272),  # dysts QR 0.09952
    "ExcitableCell": (0.4975, -0.001686, -29.14),  # dysts QR 17.03
    "Finance": (0.09134, -4.117e-05, -0.6329),  # dysts QR 0.1071
    "ForcedBrusselator": (0.01529, 0, -0.2476),  # dysts QR 0.002831
    "ForcedVanDerPol": (0.007716, 0, -13.18),  # dysts QR 0.2652 (at w = 0.63)
    "GenesioTesi": (0.1043, -9.195e-05, -0.5442),  # dysts QR 0.09974
    "GuckenheimerHolmes": (0.4403, -0.001518, -0.8344),  # dysts QR 0.3408
    "Hadley": (0.2121, 0.0005411, -0.3651),  # dysts QR 0.3117
    "Halvorsen": (0.6709, 0.000814, -4.872),  # dysts QR 0.5862
    "HastingsPowell": (0.006823, -4.487e-05, -0.4635),  # dysts QR 0.008585
    "HenonHeiles": (0.06243, 4.19e-05, -4.189e-05, -0.06243),  # dysts QR 0.02675
    "HindmarshRose": (0.2247, -0.0002263, -6.266),  # dysts QR 0.2621
    "Hopfield": (0.07272, -0.0006918, -0.2894, -0.3675, -0.3903, -1.425),  # dysts QR 0.07726
    "HyperBao": (0.7391, 0.125, -0.003472, -19.86),  # dysts QR 0.696
    "HyperCai": (1.682, 0.09311, -0.004343, -12.87),  # dysts QR 1.634
    "HyperJha": (0.3666, 0.2072, -0.001775, -12.94),  # dysts QR 0.3949
    "HyperLorenz": (0.2645, 0.1029, -0.003418, -12.93),  # dysts QR 0.2926
    "HyperPang": (1.44, 0.134, -0.001918, -20.57),  # dysts QR 1.587
    "HyperQi": (12.69, 2.029, 0.02009, -61.74),  # dysts QR 13.91
    "HyperRossler": (0.1098, 0.01915, 0.001286, -26.27),  # dysts QR 0.2786
    "HyperWang": (1.204, 0.0636, -0.0003994, -13.77),  # dysts QR 1.222
    "HyperXu": (0.9895, 0.1077, -0.0003119, -13.6),  # dysts QR 1.042
    "HyperYan": (1.299, 0.0005483, -15.34, -37.96),  # dysts QR 0.912
    "HyperYangChen": (0.3668, 0.2579, -0.001189, -33.62),  # dysts QR 0.5743
    "IsothermalChemical": (0.1169, 0.000809, -6.894),  # dysts QR 0.3366
    "ItikBanksTumor": (0.02064, 8.459e-05, -0.5413),  # dysts QR 0.02216
    "JerkCircuit": (0.07515, 0.0001076, -1.075),  # dysts QR 0.3949
    "Laser": (0.5708, 0.0001642, -15.57),  # dysts QR 0.7637
    "LidDrivenCavityFlow": (0.7054, 0, -0.7054),  # dysts QR 1.008
    "Lorenz84": (0.4322, 4.103e-05, -2.663),  # dysts QR 1.047
    "LorenzBounded": (0.7157, -0.0001166, -11.5),  # dysts QR 0.8498
    "LorenzCoupled": (1.051, -0.0006504, -1.203, -1.811, -13.5, -14.72),  # dysts QR 1.222
    "LorenzStenflo": (0.3821, 0.000107, -2.702, -3.38),  # dysts QR 0.4494
    "LuChen": (0.3136, 0.00221, -21.32),  # dysts QR 0.6652
    "LuChenCheng": (0.2654, -0.001163, -11.41),  # dysts QR 0.3511
    "MooreSpiegel": (0.1694, 0.0007421, -1.17),  # dysts QR 0.4074
    "NewtonLiepnik": (0.145, -9.01e-05, -0.7699),  # dysts QR 0.1724
    "NuclearQuadrupole": (0.2809, 0.0005971, -0.0005971, -0.2809),  # dysts QR 0.2786
    "OscillatingFlow": (0.09304, 0, -0.09304),  # dysts QR 0.4274
    "PehlivanWei": (0.06748, 8.687e-05, -0.6366),  # dysts QR 0.09512
    "Qi": (2.145, 0.00144, -4.38, -43.77),  # dysts QR 2.036
    "QiChen": (4.044, -0.001068, -43.71),  # dysts QR 3.888
    "RabinovichFabrikant": (0.1984, -0.0001997, -0.6582),  # dysts QR 0.2423
    "RayleighBenard": (1.797, -4.319e-05, -18.8),  # dysts QR 1.71
    "RikitakeDynamo": (0.1269, 6.655e-05, -2.127),  # dysts QR 0.1457
    "Rucklidge": (0.1925, 7.379e-05, -3.193),  # dysts QR 0.1829
    "SaltonSea": (0.3846, 0.000833, -4.593),  # dysts QR 0.3914
    "SanUmSrisuchinwong": (0.2266, 0.0003104, -1.227),  # dysts QR 0.2391
    "ShimizuMorioka": (0.03559, -0.0001036, -1.385),  # dysts QR 0.04403
    "SprottTorus": (0.05489, 0.0004101, -0.1534),  # dysts QR 0.2966
    "Thomas": (0.4965, 0.0004009, -6.047),  # dysts QR 0.759
    "ThomasLabyrinth": (1.326, -0.0007948, -2.826),  # dysts QR 1.339
    "TurchinHanski": (0.1095, 0, -2.482),  # dysts QR 0.0372
    "VallisElNino": (0.5546, 0.0003882, -5.555),  # dysts QR 0.6562
    "WangSun": (0.06712, 0.0001944, -1.267),  # dysts QR 0.07991
    "WindmiReduced": (0.08662, 9.982e-05, -1.549),  # dysts QR 0.156
    "YuWang": (1.455, -0.00213, -13.95),  # dysts QR 2.46
    "YuWang2": (0.4831, -0.00178, -12.98),  # dysts QR 0.8027
    "ZhouChen": (0.6734, 0.001278, -11.66),  # dysts QR 0.5917
}


def reference_lyapunov(name: str) -> tuple[float, str]:
    """``(λmax, source)`` of the flow ``name`` by the module's rule."""
    if name in PUBLISHED:
        return PUBLISHED[name]
    if name in INDEPENDENT:
        return INDEPENDENT[name][0], INDEPENDENT_QR
    if name in DYSTS_LYAPUNOV:
        qr, naive = DYSTS_LYAPUNOV[name][:2]
        return (qr, DYSTS_QR) if qr > 0 else (naive, DYSTS_NAIVE)  # NaN > 0 is False
    return RECALLED[name]
