"""bench_mp.py - the figures of `make bench`, measured in CPython's multiprocessing.

bench/bench runs this script once and talks to it on stdin and stdout: the
script prints "ready", then for every line it reads (a figure's name) it
measures that figure once and prints one line, the value in the unit of the
C figure, or "-" when CPython has no such figure. So each CPython
measurement runs right after the C ones of the same round (docs/performance.md,
"Paired measurement"). Type figure names by hand to try it.
"""
import argparse
import multiprocessing as mp
import sys
import time


def noop():
    pass


def spawn_join(n):
    start = time.perf_counter()
    for _ in range(n):
        p = mp.Process(target=noop)
        p.start()
        p.join()
    return (time.perf_counter() - start) / n * 1e6           # us/process


def lock_uncontended(n):
    # CPU time, as the C side: the loop never blocks, and on a busy machine
    # the wall clock would also count the moments another process ran
    lock = mp.Lock()
    start = time.process_time()
    for _ in range(n):
        lock.acquire()
        lock.release()
    return (time.process_time() - start) / n * 1e9           # ns/op


def increment(counter, n):
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1


def locked_increment_2proc(n):
    counter = mp.Value('l', 0)
    procs = [mp.Process(target=increment, args=(counter, n)) for _ in range(2)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    assert counter.value == 2 * n, counter.value
    return elapsed / (2 * n) * 1e9                           # ns/op


def produce(q, n):
    for i in range(n):
        q.put(i)                                             # an 8-byte int


def queue_throughput(n):
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q, n))
    start = time.perf_counter()
    p.start()
    for _ in range(n):
        q.get()
    elapsed = time.perf_counter() - start
    p.join()
    return n / elapsed                                       # items/s


def echo(conn, other_end):
    other_end.close()           # else recv_bytes never sees the end of file
    while True:
        try:
            conn.send_bytes(conn.recv_bytes())
        except EOFError:
            return


def pipe_roundtrip(n):
    here, there = mp.Pipe()
    p = mp.Process(target=echo, args=(there, here))
    p.start()
    there.close()
    message = b"12345678"
    start = time.perf_counter()
    for _ in range(n):
        here.send_bytes(message)
        here.recv_bytes()
    elapsed = time.perf_counter() - start
    here.close()
    p.join()
    return elapsed / n * 1e6                                 # us/round trip


def manager_call(n, manager):
    shared = manager.list()
    start = time.perf_counter()
    for i in range(n):
        shared.append(i)
    elapsed = time.perf_counter() - start
    assert len(shared) == n
    return elapsed / n * 1e6                                 # us/call


def trivial(x):
    return x


def pool_task_overhead(n):
    with mp.Pool(2) as pool:
        start = time.perf_counter()
        pool.map(trivial, range(n))
        elapsed = time.perf_counter() - start
    return elapsed / n * 1e9                                 # ns/task


def cpu_bound(seed):
    x = seed
    for _ in range(200000):
        x = (x * 1103515245 + 12345) & 0x7fffffff
    return x


def pool_speedup_2(n):
    start = time.perf_counter()
    serial = [cpu_bound(i) for i in range(n)]
    serial_time = time.perf_counter() - start
    with mp.Pool(2) as pool:
        start = time.perf_counter()
        parallel = pool.map(cpu_bound, range(n))
        parallel_time = time.perf_counter() - start
    assert serial == parallel
    return serial_time / parallel_time                       # x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true",
                        help="a few operations each, to check the script runs")
    args = parser.parse_args()
    mp.set_start_method("fork")     # what the C suite does: fork, no exec
    scale = 1000 if args.tiny else 1
    with mp.Manager() as manager:
        jobs = {
            "spawn_join": (spawn_join, 20),
            "lock_uncontended": (lock_uncontended, 200000),
            "locked_increment_2proc": (locked_increment_2proc, 5000),
            "queue_throughput": (queue_throughput, 20000),
            "queue_textbook": (queue_throughput, 20000),    # one Queue: the same
            "pipe_roundtrip": (pipe_roundtrip, 5000),
            # CPython's Pipe beside the C Pipe that spins: the same job
            "pipe_roundtrip_spin": (pipe_roundtrip, 5000),
            "manager_call": (lambda n: manager_call(n, manager), 2000),
            "pool_task_overhead": (pool_task_overhead, 200000),
            "pool_speedup_2": (pool_speedup_2, 20),
        }
        print("ready", flush=True)
        for line in sys.stdin:
            job = jobs.get(line.strip())
            if job is None:
                print("-", flush=True)
                continue
            fn, n = job
            print(fn(max(2, n // scale)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
