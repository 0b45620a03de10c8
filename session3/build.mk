# session3 needs MessagePack (msgpack-c) for its messages and OpenSSL's
# libcrypto for HMAC-SHA256, random nonces and constant-time comparison.
# Without them (tools/setup could not install them) make skips session3.
session3_NEEDS  := pkg-config libmsgpack-dev libssl-dev
session3_CFLAGS := $(shell pkg-config --cflags msgpack libcrypto 2>/dev/null)
session3_LDLIBS := $(shell pkg-config --libs msgpack libcrypto 2>/dev/null)
