# session2.py - the tutorial's shared Array and Value: the parent sees what
# the child wrote. The C program session2/session2.c maps the same two
# objects with mmap(MAP_SHARED); docs/session2.md puts the two side by side.
import multiprocessing


def square_list(mylist, result, square_sum):
    """
    function to square a given list
    """
    # append squares of mylist to result array
    for idx, num in enumerate(mylist):  # line:loop
        result[idx] = num * num  # line:store

    # square_sum value
    square_sum.value = sum(result)  # line:sum

    # print result Array
    print("Result(in process p1): {}".format(result[:]))

    # print square_sum Value
    print("Sum of squares(in process p1): {}".format(square_sum.value))


if __name__ == "__main__":
    # input list
    mylist = [1, 2, 3, 4]

    # creating Array of int data type with space for 4 integers
    result = multiprocessing.Array('i', 4)  # line:array

    # creating Value of int data type
    square_sum = multiprocessing.Value('i')  # line:value

    # creating new process
    p1 = multiprocessing.Process(target=square_list, args=(mylist, result, square_sum))  # line:process

    # starting process
    p1.start()

    # wait until the process is finished
    p1.join()  # line:join

    # print result array
    print("Result(in main program): {}".format(result[:]))  # line:print-main

    # print square_sum Value
    print("Sum of squares(in main program): {}".format(square_sum.value))
