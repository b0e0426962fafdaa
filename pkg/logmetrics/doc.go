// Package logmetrics reads metrics from training log lines.
//
// A metric is NAME SEP VALUE where SEP is ':' or '=' (spaces around it allowed)
// and VALUE is a number: `Test accuracy: 0.9812`, `loss=0.12`, `acc = 0.5`,
// Keras epoch lines (`469/469 [====] - 2s 4ms/step - loss: 0.2466 - accuracy:
// 0.9243 - val_loss: 0.1091`), Lightning's `train_loss=0.123, val_acc=0.9`,
// JSON and Python dict lines (`{"epoch": 3, "accuracy": 0.97}`), PyTorch's
// `loss: tensor(0.1234)`. The rules, so that results are predictable:
//
//   - Names are lower-cased and their spaces become '_': "Test accuracy" is
//     test_accuracy. A name is up to three words of letters, digits and
//     _ . / @ - starting with a letter; a log level word (INFO, WARNING, ...)
//     ends it. Quoted names ("val loss": 1) are taken whole. No synonyms are
//     merged: acc and accuracy stay two metrics, as the program printed them.
//   - Values: integers, decimals and scientific notation (1e-3, 1.2E+02);
//     nan, inf, -inf and Infinity are kept as NaN and ±Inf (a diverged trial
//     prints loss: nan), so callers that encode JSON must handle them.
//   - Percentages keep their number and get the suffix _pct: "accuracy: 97.5%"
//     is accuracy_pct = 97.5, never mixed with a fraction in one column.
//   - Not metrics: a number glued to a unit or identifier (2s, 4ms/step), a
//     number followed by ':', '/', '-', '.' or ',' and a digit (times 10:30,
//     counts 469/469, dates 2024-01-15, IPs and versions 1.2.3, thousands
//     669,706), NAME:INTEGER with no space (host:8080), names that start with
//     a digit or a dash (--lr=0.1), and Lightning's v_num.
//   - Epochs: "Epoch 3/10", "Epoch 3:", "Epoch [3/10]", and an "epoch" name or
//     JSON key (a fractional epoch counts as its integer part) set the step;
//     they are not metrics themselves.
//   - Lines are cleaned first: ANSI colour codes and backspaces removed, only
//     the last '\r'-separated segment kept (what a terminal shows), and a
//     leading RFC3339 timestamp (kubectl logs --timestamps) dropped.
//   - Progress bars (tqdm's "Training:   3%|▎   | 30/1000 [00:02<01:08, 14.29it/s]")
//     are not metrics; their postfix (", loss=0.1]") and description are.
//
// Extra patterns are regular expressions with named groups; each named group
// that matches a number gives the metric of that name (a group named epoch sets
// the step). They add to the built-in rules; where a pattern gives a name on a
// line, the built-in rules' point of that name (or that name plus _pct) on the
// same line is dropped: the pattern wins.
package logmetrics
