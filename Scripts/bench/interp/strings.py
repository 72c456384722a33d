import time
def run():
    s = ""
    for i in range(100000):
        s += "ab"
    return len(s)
t0 = time.perf_counter()
r = run()
print("strings", r, time.perf_counter() - t0)
