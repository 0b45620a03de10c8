# session3 needs MessagePack (msgpack-c) for its messages and OpenSSL's
# libcrypto for HMAC-SHA256, random nonces and constant-time comparison.
session3_CFLAGS := $(shell pkg-config --cflags msgpack libcrypto 2>/dev/null)
session3_LDLIBS := $(shell pkg-config --libs msgpack libcrypto 2>/dev/null)

# Without them, one clear line instead of a page of compiler errors.
ifneq ($(shell pkg-config --exists msgpack libcrypto 2>/dev/null && echo yes),yes)
$(call modules_of,session3) $(BUILD)/session3/session3.o: session3-libraries
.PHONY: session3-libraries
session3-libraries:
	@echo "session3 needs MessagePack and libcrypto, found by pkg-config;" \
	    "on Debian/Ubuntu: sudo apt-get install pkg-config libmsgpack-dev libssl-dev" >&2
	@exit 1
endif
