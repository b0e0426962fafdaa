# Prints the points of the unscrambled Sobol sequence that sobol_test.go
# checks, as integers x * 2**30 (scipy's 30-bit sequence). Run with
# /usr/bin/python3 (scipy 1.10.1).
from scipy.stats import qmc

first = qmc.Sobol(d=5, scramble=False).random(9)
print("first 9 points in 5 dimensions:")
for p in first:
    print([int(x * 2**30) for x in p])
for n in (1000, 123456789):
    engine = qmc.Sobol(d=100, scramble=False)
    engine.fast_forward(n)
    print(f"point {n} in 100 dimensions:")
    print([int(x * 2**30) for x in engine.random(1)[0]])
