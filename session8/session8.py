# session8.py - the Python twin of session8.c: a Pool maps square() over a list.
#
# The tutorial's last program, as written for this project. Each worker
# prints its PID for the items it runs; map returns the results in input
# order. docs/session8.md puts it beside the C.
import multiprocessing
import os


def square(n):  # line:square
    # flush: into a pipe, print() buffers, and the pool's workers are
    # terminated at exit with their buffers unwritten.
    print("Worker process id for {0}: {1}".format(n, os.getpid()), flush=True)
    return n * n  # line:return


if __name__ == "__main__":
    mylist = [1, 2, 3, 4, 5]
    p = multiprocessing.Pool()  # line:pool
    result = p.map(square, mylist)  # line:map
    print(result)
