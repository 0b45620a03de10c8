"""session4.py - the tutorial's Queue, the Python twin of session4.c.

p1 puts the squares of mylist into a multiprocessing.Queue; after p1 is
joined, p2 takes them out until the queue is empty. docs/session4.md puts
this file beside the C.
"""
import multiprocessing


def square_list(mylist, q):
    for num in mylist:
        q.put(num * num)  # line:put


def print_queue(q):
    print("Queue elements:")
    while not q.empty():  # line:empty
        print(q.get())  # line:get
    print("Queue is now empty!")


if __name__ == "__main__":
    mylist = [1, 2, 3, 4]
    q = multiprocessing.Queue()  # line:queue
    p1 = multiprocessing.Process(target=square_list, args=(mylist, q))
    p2 = multiprocessing.Process(target=print_queue, args=(q,))
    p1.start()
    p1.join()
    p2.start()
    p2.join()
