# syscalls.mk - the system calls underneath, Python beside C:
#   make syscalls-sessionN [ARGS="…"]   one session's table (tools/syscalls)
#   make syscalls                       all eight
# Needs strace and python3 (group optional of mk/packages.txt); without them
# one line says what to install. docs/syscalls.md explains the table.

SYSCALLS_MISSING = $(strip $(if $(shell command -v strace 2>/dev/null),,strace) \
                           $(if $(shell command -v python3 2>/dev/null),,python3))

define SYSCALLS_RULE
.PHONY: syscalls-$(1)
syscalls-$(1): $(1)/$(1)
	@if [ -n "$$(SYSCALLS_MISSING)" ]; then \
	    echo "make syscalls-$(1): needs $$(SYSCALLS_MISSING) (apt-get install $$(SYSCALLS_MISSING))"; \
	else tools/syscalls $(subst session,,$(1)) $$(ARGS); fi
endef
$(foreach s,$(SESSIONS),$(eval $(call SYSCALLS_RULE,$(s))))

.PHONY: syscalls
syscalls: $(PROGRAMS)
	@$(foreach s,$(SESSIONS),$(MAKE) --no-print-directory -s syscalls-$(s) && echo &&) true
