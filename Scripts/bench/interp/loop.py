import time
def run():
    s = 0
    for i in range(10000000):
        s += i % 7
    return s
t0 = time.perf_counter()
r = run()
print("loop", r, time.perf_counter() - t0)
