"""Reference values for the evaluative maths (native-models/evaluative/), computed independently
with numpy: a naive PAV (merge the first violating pair until none is left), Cllr and ECE from
their definitions, ELUB bounds by scanning a fine log10 grid (as lir does), and the penalised
logistic regression by plain gradient descent. Writes test/fixtures/evaluative/reference.json.

    /usr/bin/python3 native-models/tools/evaluative_reference.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'evaluative', 'reference.json')
PENALTY = 1e-3

# Overlapping hand-made score sets (ties included) and a real one: the dlib ResNet-34 cosine
# scores of the 120 fixture pairs (committed in the registry's calibration record).
SETS = {
    'hand': {
        'sameSource': [0.35, 0.55, 0.6, 0.7, 0.7, 0.8, 0.9, 0.95],
        'differentSource': [0.1, 0.2, 0.3, 0.4, 0.6, 0.65, 0.7, 0.75, 0.2, 0.05],
    },
}
with open(os.path.join(HERE, '..', 'registry', 'calibrations', 'dlib-resnet34.json')) as f:
    record = json.load(f)
SETS['dlib-fixtures'] = {
    'sameSource': [s['score'] for s in record['scores'] if s['same']],
    'differentSource': [s['score'] for s in record['scores'] if not s['same']],
}


def naive_pav(scores, labels):
    """Distinct scores ascending and fitted proportions; ties pooled first."""
    xs = sorted(set(scores))
    blocks = [[sum(l for s, l in zip(scores, labels) if s == x), sum(1 for s in scores if s == x), [x]] for x in xs]
    changed = True
    while changed:
        changed = False
        for i in range(len(blocks) - 1):
            if blocks[i][0] / blocks[i][1] > blocks[i + 1][0] / blocks[i + 1][1]:
                blocks[i] = [blocks[i][0] + blocks[i + 1][0], blocks[i][1] + blocks[i + 1][1], blocks[i][2] + blocks[i + 1][2]]
                del blocks[i + 1]
                changed = True
                break
    return xs, [b[0] / b[1] for b in blocks for _ in b[2]]


def llr_from_proportion(p, n_same, n_diff):
    with np.errstate(divide='ignore'):
        return np.log(p) - np.log1p(-p) - np.log(n_same / n_diff)


def cllr(ss, ds):
    ss, ds = np.asarray(ss, float), np.asarray(ds, float)
    return 0.5 * np.mean(np.log2(1 + np.exp(-ss))) + 0.5 * np.mean(np.log2(1 + np.exp(ds)))


def ece(ss, ds, prior_log10_odds):
    o = prior_log10_odds * np.log(10)
    p = 1 / (1 + np.exp(-o))
    return p * np.mean(np.log2(1 + np.exp(-(np.asarray(ss) + o)))) + (1 - p) * np.mean(np.log2(1 + np.exp(np.asarray(ds) + o)))


def pav_llrs(ss, ds):
    scores = list(ss) + list(ds)
    labels = [1] * len(ss) + [0] * len(ds)
    xs, props = naive_pav(scores, labels)
    table = dict(zip(xs, llr_from_proportion(np.array(props), len(ss), len(ds))))
    return [table[s] for s in ss], [table[s] for s in ds]


def elub_grid(ss, ds, step=1e-4):
    """Smallest grid t (log10) >= 0 where the benefit is <= 0, and the mirror for the lower bound."""
    def upper(sup, opp):
        sup, opp = np.asarray(sup), np.asarray(opp)
        for t10 in np.arange(0, 12, step):
            t = 10.0 ** t10
            b = np.sum(sup > t10 * np.log(10)) / (len(sup) + 1) - t * (np.sum(opp > t10 * np.log(10)) + 1) / (len(opp) + 1)
            if b <= 0:
                return t10
        raise ValueError('no bound found')
    return {'lowerLog10': -upper(-np.asarray(ds), -np.asarray(ss)), 'upperLog10': upper(ss, ds)}


def logistic_gd(raw_ss, raw_ds, iterations=200000):
    # Scores standardised by the mean and (population) standard deviation of all of them; the
    # penalty is on the standardised slope; the result is mapped back to raw scores.
    every = np.asarray(raw_ss + raw_ds, float)
    mean, sd = every.mean(), every.std()
    ss, ds = (np.asarray(raw_ss) - mean) / sd, (np.asarray(raw_ds) - mean) / sd
    a, b = 0.0, 0.0
    sig = lambda x: 1 / (1 + np.exp(-x))
    # Newton iterations would mirror the implementation under test; gradient descent with a
    # step from the Lipschitz bound of the gradient is slower but shares nothing with it.
    lip = 0.25 * max(np.max(ss ** 2), np.max(ds ** 2), 1) + PENALTY + 0.25
    lr = 1 / lip
    for _ in range(iterations):
        ga = 0.5 * np.mean((sig(a * ss + b) - 1) * ss) + 0.5 * np.mean(sig(a * ds + b) * ds) + PENALTY * a
        gb = 0.5 * np.mean(sig(a * ss + b) - 1) + 0.5 * np.mean(sig(a * ds + b))
        a, b = a - lr * ga, b - lr * gb
        if abs(ga) < 1e-13 and abs(gb) < 1e-13:
            break
    return {'slope': a / sd, 'intercept': b - a * mean / sd}


out = {'slopePenalty': PENALTY, 'sets': {}}
for name, data in SETS.items():
    ss, ds = data['sameSource'], data['differentSource']
    entry = {'sameSource': ss, 'differentSource': ds}
    scores = ss + ds
    xs, props = naive_pav(scores, [1] * len(ss) + [0] * len(ds))
    entry['pav'] = {'scores': xs, 'proportions': props}
    pss, pds = pav_llrs(ss, ds)
    entry['cllrMinOfScoresAsLlrs'] = cllr(pss, pds)
    if name == 'hand':
        entry['logistic'] = logistic_gd(ss, ds)
        lss = [entry['logistic']['slope'] * s + entry['logistic']['intercept'] for s in ss]
        lds = [entry['logistic']['slope'] * s + entry['logistic']['intercept'] for s in ds]
        entry['logisticCllr'] = cllr(lss, lds)
        entry['logisticEce'] = {str(p): ece(lss, lds, p) for p in (-2.0, -0.5, 0.0, 1.5)}
        entry['elubOfLogistic'] = elub_grid(lss, lds)
    entry['elubOfPav'] = elub_grid(pss, pds)
    out['sets'][name] = entry

with open(OUT, 'w') as f:
    json.dump(out, f, indent=1, allow_nan=True)
    f.write('\n')
print('wrote', os.path.relpath(OUT))
