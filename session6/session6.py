# session6.py - the tutorial's race condition, in Python: two processes
# update one shared balance with no lock around the read and the write.
# The C twin is session6.c; docs/session6.md compares them.
#
# Value('i', 100) carries a lock of its own, but it is taken once for the
# read and once for the write of `balance.value = balance.value - 1`, so
# the other process can still slip in between (gh-106691). Whether CPython
# loses updates on a given run depends on the machine: the processes must
# really run at the same time. The balances may all come out 100.
import multiprocessing


def withdraw(balance):  # line:withdraw
    for _ in range(10000):
        balance.value = balance.value - 1  # line:update


def deposit(balance):
    for _ in range(10000):
        balance.value = balance.value + 1


def perform_transactions():
    balance = multiprocessing.Value('i', 100)  # line:value
    p1 = multiprocessing.Process(target=withdraw, args=(balance,))
    p2 = multiprocessing.Process(target=deposit, args=(balance,))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
    print("Final balance = {}".format(balance.value))


if __name__ == "__main__":
    for _ in range(10):
        perform_transactions()
