# session3.py - the tutorial's Manager story in Python: the twin of
# session3/session3.c. A manager process holds the list; p1 appends Jeff
# through its proxy, p2 prints every record. docs/session3.md compares them.
import multiprocessing


def print_records(records):
    for record in records:
        print("Name: {0}\nScore: {1}\n".format(record[0], record[1]))


def insert_record(record, records):
    records.append(record)  # line:append
    print("New record added!\n")


if __name__ == '__main__':
    with multiprocessing.Manager() as manager:  # line:manager
        records = manager.list([('Sam', 10), ('Adam', 9), ('Kevin', 9)])  # line:list
        new_record = ('Jeff', 8)

        p1 = multiprocessing.Process(target=insert_record, args=(new_record, records))
        p2 = multiprocessing.Process(target=print_records, args=(records,))

        p1.start()
        p1.join()

        p2.start()
        p2.join()
