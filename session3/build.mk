# session3 needs MessagePack (msgpack-c) for its messages and OpenSSL's
# libcrypto for HMAC-SHA256, random nonces and constant-time comparison.
session3_CFLAGS := $(shell pkg-config --cflags msgpack libcrypto)
session3_LDLIBS := $(shell pkg-config --libs msgpack libcrypto)
