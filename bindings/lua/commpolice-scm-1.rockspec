-- LuaRocks spec of the commpolice Lua module (bindings/lua/commpolice_lua.c,
-- generated from the C headers by bindings/tools/gen_lua.py). Offline build
-- from the source tree, against an installed (or built) libcommpolice:
--
--   cd bindings/lua && luarocks --lua-version=5.4 make commpolice-scm-1.rockspec \
--       COMMPOLICE_DIR=/usr/local
--   (or COMMPOLICE_INCDIR=.../include COMMPOLICE_LIBDIR=.../lib)
rockspec_format = "3.0"
package = "commpolice"
version = "scm-1"
source = {
   url = "git+file:///dev/null",  -- `luarocks make` builds the checked-out tree; nothing is fetched
}
description = {
   summary = "Lua 5.4 bindings of libcommpolice (community-policing domain library)",
   detailed = [[
Generated from the libcommpolice C headers: one metatable per handle with
__gc/__close/__tostring, runtime failures as nil, message, code, iterators
for generic for, ids as 36-character strings.
]],
   license = "See LICENSE in the libcommpolice source tree",
}
dependencies = {
   "lua >= 5.4, < 5.5",
}
external_dependencies = {
   COMMPOLICE = {
      header = "commpolice/commpolice.h",
      library = "commpolice",
   },
}
build = {
   type = "builtin",
   modules = {
      commpolice = {
         sources = { "commpolice_lua.c" },
         libraries = { "commpolice" },
         incdirs = { "$(COMMPOLICE_INCDIR)" },
         libdirs = { "$(COMMPOLICE_LIBDIR)" },
      },
   },
}
