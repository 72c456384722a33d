import time
def run():
    xs = []
    x = 12345
    for i in range(1000000):
        x = (x * 1103 + 12345) % 1000003
        xs += [x]
    s = sorted(xs)
    return s[500000]
t0 = time.perf_counter()
r = run()
print("sort", r, time.perf_counter() - t0)
