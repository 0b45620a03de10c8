# session5.py - the tutorial's Pipe, in Python: the twin of session5.c.
#
# A sender process sends four messages through parent_conn; a receiver
# process prints them from child_conn until "END". docs/session5.md puts the
# two side by side.
import multiprocessing


def sender(conn, msgs):
    """
    function to send messages to other end of pipe
    """
    for msg in msgs:
        conn.send(msg)  # line:send
        print("Sent the message: {}".format(msg))
    conn.close()  # line:close


def receiver(conn):
    """
    function to print the messages received from other
    end of pipe
    """
    while 1:
        msg = conn.recv()  # line:recv
        if msg == "END":  # line:end
            break
        print("Received the message: {}".format(msg))


if __name__ == "__main__":
    # messages to be sent
    msgs = ["hello", "hey", "hru?", "END"]

    # creating a pipe
    parent_conn, child_conn = multiprocessing.Pipe()  # line:pipe

    # creating new processes
    p1 = multiprocessing.Process(target=sender, args=(parent_conn, msgs))
    p2 = multiprocessing.Process(target=receiver, args=(child_conn,))

    # running processes
    p1.start()
    p2.start()

    # wait until processes finish
    p1.join()
    p2.join()
