# session1.py - the tutorial's first program: a child process has its own
# memory. The C program session1/session1.c tells the same story with fork();
# docs/session1.md puts the two side by side.
import multiprocessing

# empty list with global scope
result = []  # line:result


def square_list(mylist):
    """
    function to square a given list
    """
    global result
    # append squares of mylist to global list result
    for num in mylist:  # line:loop
        result.append(num * num)  # line:append
    # print global list result
    print("Result(in process p1): {}".format(result))


if __name__ == "__main__":
    # input list
    mylist = [1, 2, 3, 4]

    # creating new process
    p1 = multiprocessing.Process(target=square_list, args=(mylist,))  # line:process
    # starting process
    p1.start()
    # wait until process is finished
    p1.join()  # line:join

    # print global result list
    print("Result(in main program): {}".format(result))  # line:print-main
