# Makefile - grades the files in this folder (README.md says what to write).
#
#   make grade                   every test: one line each, then the score
#   make grade TESTS="a b"       only tests a and b
#   make clean                   removes build/
#
# grade/ holds the grader library and its rules; grade.c the tests.

.DEFAULT_GOAL := grade
A   := .
LIB := grade
OUT := build
include grade/rules.mk

.PHONY: clean
clean:
	rm -rf build
