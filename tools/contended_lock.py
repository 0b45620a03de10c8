# contended_lock.py - what a multiprocessing.Lock does when it is taken:
# main holds the lock for the whole run, and p1 asks for it with a time
# limit, so p1 is certain to find it held. Under strace (tools/syscalls
# --counts py tools/contended_lock.py, or strace -f -e trace=futex) p1's
# wait is a futex() call on the semaphore's shared memory, not a loop.
# docs/syscalls.md shows the run.
import multiprocessing


def try_to_take(lock):
    got_it = lock.acquire(timeout=0.2)     # main holds it: p1 sleeps, then gives up
    print("p1 got the lock:", got_it)


if __name__ == "__main__":
    lock = multiprocessing.Lock()
    lock.acquire()
    p1 = multiprocessing.Process(target=try_to_take, args=(lock,))
    p1.start()
    p1.join()
    lock.release()
