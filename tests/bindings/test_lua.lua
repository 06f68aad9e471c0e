-- Tests of the commpolice Lua module (CTest: bindings.lua), plain lua5.4.
--
--   LUA_CPATH='BUILD/bindings/lua/?.so' lua5.4 tests/bindings/test_lua.lua
--
-- The people scenarios mirror tests/public/check_people.c, the ledger ones
-- tests/public/check_ledger.c (and the leaderboard of check_dossier.c), the
-- case ones check_case.c, check_case_seeds.c and check_case_ops.c, all on
-- both backends (memory: and sqlite:); then error mapping (nil, message,
-- code), argument errors, iteration with generic for, and object lifetimes
-- (close in any order, iterators outliving their context, garbage collection).
-- Ends with the line "N passed, N failed".

local cp = require "commpolice"

-- A deployment opens its store with the master key from its key service (a
-- KMS, a hardware module); the tests open every store with this fixed key.
local TEST_KEY = string.rep("\x5a\xc3\x17\x80", 8)
local TEST_KEY_ID = "test-key-1"

-- cp.open() as a deployment calls it: with a key (the tests' fixed one).
local function open_ctx(uri, options)
  local o = {key = TEST_KEY, key_id = TEST_KEY_ID}
  for k, v in pairs(options or {}) do o[k] = v end
  return cp.open(uri, o)
end

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    print("ok     " .. name)
  else
    failed = failed + 1
    print("FAILED " .. name .. "\n" .. tostring(err))
  end
end

local function eq(a, b, what)
  if a ~= b then
    error(string.format("%s: expected %s, got %s", what or "value", tostring(b), tostring(a)), 2)
  end
end

local function contains(s, part, what)
  if type(s) ~= "string" or not s:find(part, 1, true) then
    error(string.format("%s: %q does not contain %q", what or "string", tostring(s), part), 2)
  end
end

-- A call that must fail at run time with `code`: returns the message.
local function fails(code, ...)
  local n = select("#", ...)
  local r, msg, got = ...
  if r ~= nil then error("expected failure " .. cp.status_name(code) .. ", got success", 2) end
  if n ~= 3 or got ~= code then
    error(string.format("expected %s, got %s (%s)", cp.status_name(code), cp.status_name(got or 0), tostring(msg)), 2)
  end
  eq(type(msg), "string", "message")
  eq(msg, cp.error_message(), "message is cpol_error_message()")
  return msg
end

-- A call that must raise a Lua error whose message contains `part`.
local function raises(part, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("expected an error containing " .. part, 2) end
  contains(tostring(err), part, "error")
end

local function id_card(first17)
  local w = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
  local sum = 0
  for i = 1, 17 do sum = sum + (first17:byte(i) - 48) * w[i] end
  local k = sum % 11 + 1
  return first17 .. ("10X98765432"):sub(k, k)
end

local function tmpdb()
  local path = os.tmpname()
  os.remove(path)
  return path .. ".db"
end

local function rmdb(path)
  for _, suffix in ipairs({"", "-journal", "-wal", "-shm"}) do os.remove(path .. suffix) end
end

local function count(...)
  local n = 0
  for _ in ... do n = n + 1 end
  return n
end

-- check_people.c's fixture
local function station(backend)
  local st = {}
  if backend == "sqlite" then
    st.path = tmpdb()
    st.ctx = assert(open_ctx("sqlite:" .. st.path))
  else
    st.ctx = assert(open_ctx("memory:"))
  end
  local c = st.ctx
  st.sys = assert(c:actor_system())
  st.bureau = assert(c:area_create(st.sys, nil, cp.AREA_BUREAU, "临翔分局"))
  st.station = assert(c:area_create(st.sys, st.bureau, cp.AREA_STATION, "忙畔派出所"))
  st.other_station = assert(c:area_create(st.sys, st.bureau, cp.AREA_STATION, "凤翔派出所"))
  st.community = assert(c:area_create(st.sys, st.station, cp.AREA_COMMUNITY, "玉龙社区"))
  st.grid = assert(c:area_create(st.sys, st.community, cp.AREA_GRID, "第一网格"))
  st.compound = assert(c:area_create(st.sys, st.grid, cp.AREA_COMPOUND, "玉龙小区"))
  function st.person(name, first17, home)
    return assert(c:person_register(st.sys, {name = name, id_card = id_card(first17),
                                             home_area = home or st.community, phone = "13912345678"}))
  end
  function st.staff(name, first17, role, where)
    local p = st.person(name, first17)
    assert(c:role_appoint(st.sys, p, role, where, "任命"))
    return assert(c:actor_open(p, role))
  end
  function st.count_audit(object)
    return count(assert(c:audit_iter(st.sys, {object = object})))
  end
  function st.close()
    st.sys:close()
    assert(st.ctx:close())
    if st.path then rmdb(st.path) end
  end
  return st
end

local function each_backend(name, fn)
  for _, backend in ipairs({"memory", "sqlite"}) do
    test(name .. " [" .. backend .. "]", function()
      local st = station(backend)
      fn(st, st.ctx)
      st.close()
    end)
  end
end

-- ---- module basics -----------------------------------------------------------------

test("module: version, constants, enums, functions", function()
  eq(cp.VERSION, cp.version_string(), "VERSION")
  eq(cp.VERSION_NUMBER, cp.version_number(), "VERSION_NUMBER")
  eq(cp._LIBRARY_VERSION, cp.VERSION, "library version")
  eq(cp.OK, 0, "OK")
  eq(cp.DONE, 1, "DONE")
  eq(cp.ENOTFOUND, -3, "ENOTFOUND")
  eq(cp.AREA_STATION, 2, "AREA_STATION")
  eq(cp.ID_STRING_SIZE, 37, "ID_STRING_SIZE")
  eq(cp.OPEN_READONLY, 1, "OPEN_READONLY")
  eq(cp.has_feature("storage.sqlite"), true, "has_feature")
  eq(cp.has_feature("nope"), false, "has_feature nope")
  eq(cp.role_name(cp.ROLE_OFFICER), "community officer", "role_name")
  eq(cp.role_name_zh(cp.ROLE_VOLUNTEER), "义警", "role_name_zh")
  eq(cp.role_is_staff(cp.ROLE_OFFICER), true, "role_is_staff")
  eq(cp.role_can(cp.ROLE_ANALYST, cp.PERM_PERSON_REGISTER), false, "role_can")
  eq(cp.permission_name(cp.PERM_VOLUNTEER_REVIEW), "volunteer.review", "permission_name")
  eq(cp.area_kind_name(cp.AREA_STATION), "police station", "area_kind_name")
  eq(cp.status_name(cp.EPERM), "CPOL_EPERM", "status_name")
  eq(type(cp.strerror(cp.EPERM)), "string", "strerror")
  eq(cp.schema_version_current() > 0, true, "schema version")
  eq(cp.id_card_check(id_card("53090219850312002")), true, "id_card_check")
  fails(cp.EINVALID, cp.id_card_check("123"))
end)

test("ids are 36-character strings", function()
  local ctx <close> = assert(open_ctx("memory:"))
  local a, b = assert(ctx:id_new()), assert(ctx:id_new())
  eq(#a, 36, "length")
  contains(a, "-", "id")
  eq(cp.id_compare(a, b) < 0, true, "ordered")
  eq(cp.id_compare(a, a:upper()), 0, "either case")
  eq(cp.id_format(a), a, "format")
  eq(cp.id_parse(a:upper()), a, "parse")
  eq(cp.id_is_nil("00000000-0000-0000-0000-000000000000"), true, "nil id")
  eq(cp.id_is_nil(nil), true, "NULL id")
  eq(cp.id_is_nil(a), false, "not nil")
  eq(cp.id_time(a), ctx:now() - (ctx:now() - cp.id_time(a)), "time")
  eq(math.type(cp.id_time(a)), "integer", "time is an integer (ms)")
  contains(fails(cp.EINVALID, cp.id_parse("not-an-id")), "position")
  raises("bad argument #1", cp.id_format, "zzzz")
  raises("id (36-character string) expected", cp.id_format, 42)
end)

-- ---- contexts and settings -------------------------------------------------------------

test("open memory: and sqlite:, settings round trip", function()
  local path = tmpdb()
  for _, uri in ipairs({"memory:", "sqlite:" .. path}) do
    local ctx <close> = assert(open_ctx(uri))
    local sys <close> = assert(ctx:actor_system())  -- settings.manage: the installation itself
    eq(ctx:backend(), uri:match("^(%a+):"), "backend")
    eq(ctx:schema_version(), cp.schema_version_current(), "schema version")
    eq(math.type(ctx:now()), "integer", "now")
    eq(ctx:setting_set(sys, "station.name", "白沙派出所"), true, "set")
    assert(ctx:setting_set(sys, "station.code", "530902"))
    assert(ctx:setting_set(sys, "kiosk.location", "服务站一楼"))
    eq(ctx:setting_get(sys, "station.name"), "白沙派出所", "get")
    local seen = {}
    for k, v in ctx:setting_iter(sys, "station.") do seen[#seen + 1] = k .. "=" .. v end
    eq(table.concat(seen, ";"), "station.code=530902;station.name=白沙派出所", "iter prefix")
    eq(count(ctx:setting_iter(sys)), 3, "iter all (nil prefix)")
    assert(ctx:setting_delete(sys, "station.code"))
    contains(fails(cp.ENOTFOUND, ctx:setting_get(sys, "station.code")), "station.code")
    fails(cp.ENOTFOUND, ctx:setting_delete(sys, "station.code"))
    fails(cp.EINVALID, ctx:setting_set(sys, "Bad Key", "x"))
    fails(cp.ETOOLONG, ctx:setting_set(sys, "k", ("x"):rep(cp.SETTING_VALUE_MAX + 1)))
    fails(cp.EUTF8, ctx:setting_set(sys, "k", "\xC3"))
    fails(cp.EINVALID, ctx:setting_iter(sys, "BAD PREFIX"))
    raises("NUL", ctx.setting_set, ctx, sys, "k", "a\0b")
    raises("bad argument #3", ctx.setting_set, ctx, sys, {})
    raises("bad argument #1 to 'setting_set'", function() return ctx:setting_set({}) end)
    raises("commpolice.actor expected", function() return ctx:setting_get("station.name") end)
  end
  do
    local ro <close> = assert(open_ctx("sqlite:" .. path, {read_only = true}))
    local sys <close> = assert(ro:actor_system())
    eq(ro:setting_get(sys, "station.name"), "白沙派出所", "persisted")
    fails(cp.EREADONLY, ro:setting_set(sys, "station.name", "x"))
  end
  do
    local ro <close> = assert(open_ctx("sqlite:" .. path, {flags = cp.OPEN_READONLY}))
    local sys <close> = assert(ro:actor_system())
    fails(cp.EREADONLY, ro:setting_set(sys, "station.name", "x"))
  end
  fails(cp.ENOTFOUND, open_ctx("sqlite:" .. path .. ".missing", {flags = cp.OPEN_NOCREATE}))
  fails(cp.ESCHEME, open_ctx("nosuchbackend:x"))
  fails(cp.EVERSION, open_ctx("memory:", {version = 99}))
  raises("has no field 'bogus'", open_ctx, "memory:", {bogus = 1})
  raises("cannot be set from Lua", open_ctx, "memory:", {clock = function() return 0 end})
  raises("integer expected", open_ctx, "memory:", {flags = "x"})
  local opts = assert(cp.open_options_init(cp.OPEN_OPTIONS_VERSION))
  eq(opts.version, cp.OPEN_OPTIONS_VERSION, "open_options_init")
  eq(opts.busy_timeout_ms, 0, "open_options_init default")
  fails(cp.EVERSION, cp.open_options_init(0))
  rmdb(path)
end)

test("opening needs a key or plaintext = true", function()
  local path = tmpdb()
  -- no key and no explicit plaintext choice: refused
  contains(fails(cp.EKEY, cp.open("sqlite:" .. path)), "CPOL_OPEN_PLAINTEXT")
  fails(cp.EKEY, cp.open("memory:"))
  fails(cp.EKEY, cp.open("memory:", {}))
  fails(cp.EINVALID, cp.open("memory:", {key = TEST_KEY}))  -- a new store needs the key id
  raises("a key is 32 bytes, not 5", cp.open, "memory:", {key = "short", key_id = TEST_KEY_ID})
  raises("32-byte string expected", cp.open, "memory:", {key = 42, key_id = TEST_KEY_ID})
  raises("key_payload: a C pointer cannot be set from Lua", cp.open, "memory:", {key_payload = 1})
  -- keyed: the file holds no personal data in clear
  do
    local ctx <close> = assert(open_ctx("sqlite:" .. path))
    local sys <close> = assert(ctx:actor_system())
    local bureau = assert(ctx:area_create(sys, nil, cp.AREA_BUREAU, "临翔分局"))
    local station = assert(ctx:area_create(sys, bureau, cp.AREA_STATION, "忙畔派出所"))
    assert(ctx:person_register(sys, {name = "王伟", id_card = id_card("53090219850312002"),
                                     home_area = station, phone = "13912345678"}))
    assert(ctx:setting_set(sys, "station.name", "白沙派出所"))
  end
  local f = assert(io.open(path, "rb"))
  local raw = f:read("a")
  f:close()
  eq(raw:find(id_card("53090219850312002"), 1, true), nil, "ID-card number in clear")
  eq(raw:find("王伟", 1, true), nil, "name in clear")
  -- reopening needs the same key: none, or another, is refused
  fails(cp.EKEY, cp.open("sqlite:" .. path))
  contains(fails(cp.EKEY, cp.open("sqlite:" .. path, {key = ("\0"):rep(32), key_id = TEST_KEY_ID})),
           TEST_KEY_ID)
  do  -- the store names its own key id: the key alone opens it, read-only too
    local ctx <close> = assert(cp.open("sqlite:" .. path, {key = TEST_KEY, read_only = true}))
    local sys <close> = assert(ctx:actor_system())
    eq(ctx:setting_get(sys, "station.name"), "白沙派出所", "read with the key")
    fails(cp.EREADONLY, ctx:setting_set(sys, "station.name", "x"))
    local n = 0
    for p in assert(ctx:person_iter(sys)) do
      eq(p.id_card, id_card("53090219850312002"), "decrypted")
      n = n + 1
    end
    eq(n, 1, "people")
    assert(ctx:close())
    eq(tostring(ctx), "commpolice.ctx (closed)", "closed")
  end
  rmdb(path)
  -- plaintext = true is the explicit choice to store in clear (tests, demos)
  for _, uri in ipairs({"memory:", "sqlite:" .. path}) do
    local ctx <close> = assert(cp.open(uri, {plaintext = true}))
    local sys <close> = assert(ctx:actor_system())
    assert(ctx:setting_set(sys, "station.name", "白沙派出所"))
  end
  do
    local ctx <close> = assert(cp.open("sqlite:" .. path, {plaintext = true, read_only = true}))
    local sys <close> = assert(ctx:actor_system())
    eq(ctx:setting_get(sys, "station.name"), "白沙派出所", "plaintext store")
  end
  rmdb(path)
end)

test("batches", function()
  local ctx <close> = assert(open_ctx("memory:"))
  local sys <close> = assert(ctx:actor_system())
  eq(ctx:batch_active(), false, "inactive")
  assert(ctx:batch_begin())
  eq(ctx:batch_active(), true, "active")
  fails(cp.EMISUSE, ctx:batch_begin())
  assert(ctx:setting_set(sys, "a", "1"))
  assert(ctx:batch_rollback())
  fails(cp.ENOTFOUND, ctx:setting_get(sys, "a"))
  assert(ctx:batch_begin())
  assert(ctx:setting_set(sys, "a", "2"))
  assert(ctx:batch_commit())
  eq(ctx:setting_get(sys, "a"), "2", "committed")
end)

-- ---- people (check_people.c) ------------------------------------------------------------

each_backend("area tree rules and walks", function(st, c)
  local s = st.sys
  fails(cp.ERULE, c:area_create(s, st.grid, cp.AREA_COMMUNITY, "倒挂"))
  fails(cp.ERULE, c:area_create(s, nil, cp.AREA_GRID, "无根网格"))
  fails(cp.EEXISTS, c:area_create(s, st.community, cp.AREA_GRID, "第一网格"))
  fails(cp.EINVALID, c:area_create(s, st.grid, 99, "x"))
  fails(cp.EINVALID, c:area_create(s, st.grid, cp.AREA_BUILDING, ""))
  fails(cp.EUTF8, c:area_create(s, st.grid, cp.AREA_BUILDING, "\xE4\xB8"))
  fails(cp.ENOTFOUND, c:area_create(s, "11111111-1111-1111-1111-111111111111", cp.AREA_BUILDING, "x"))
  fails(cp.EMISUSE, c:area_create(nil, st.grid, cp.AREA_BUILDING, "x"))
  assert(c:area_create(s, st.community, cp.AREA_COMPOUND, "锦凤小区"))
  local b2 = assert(c:area_create(s, st.compound, cp.AREA_BUILDING, "1栋"))
  do
    local got <close> = assert(c:area_get(s, b2))
    eq(got:name(), "1栋", "name")
    eq(got:kind(), cp.AREA_BUILDING, "kind")
    eq(got:depth(), 5, "depth")
    eq(got:station(), st.station, "station")
    eq(got:parent(), st.compound, "parent")
    eq(got:row().id, b2, "row id")
    contains(tostring(got), "commpolice.area: ", "tostring")
  end
  local names = {}
  for a in c:area_iter(s, b2, cp.AREA_WALK_ANCESTORS) do names[#names + 1] = a.name end
  eq(table.concat(names, "<"), "玉龙小区<第一网格<玉龙社区<忙畔派出所<临翔分局", "ancestors")
  names = {}
  for a in c:area_iter(s, st.station, cp.AREA_WALK_DESCENDANTS) do names[#names + 1] = a.name end
  eq(table.concat(names, ";"), "玉龙社区;第一网格;玉龙小区;1栋;锦凤小区", "descendants")
  names = {}
  for a in c:area_iter(s, st.bureau, cp.AREA_WALK_CHILDREN) do names[#names + 1] = a.name end
  eq(table.concat(names, ";"), "忙畔派出所;凤翔派出所", "children")
  fails(cp.EINVALID, c:area_iter(s, st.bureau, 9))
  assert(c:area_rename(s, b2, "一栋"))
  local g2 = assert(c:area_create(s, st.community, cp.AREA_GRID, "第二网格"))
  fails(cp.EEXISTS, c:area_rename(s, g2, "第一网格"))
  assert(c:area_rename(s, g2, "第二网格"))
  eq(st.count_audit(b2), 2, "audit entries")
end)

each_backend("person file validation", function(st, c)
  local s = st.sys
  local f = {name = "王伟", home_area = st.compound}
  for _, bad in ipairs({"53090219850312002", "5309021985031200211"}) do
    f.id_card = bad
    fails(cp.EINVALID, c:person_register(s, f))
  end
  f.id_card = "530902198503120020"
  contains(fails(cp.EINVALID, c:person_register(s, f)), "check character")
  f.id_card = id_card("53090219850230002")
  contains(fails(cp.EINVALID, c:person_register(s, f)), "birth date")
  f.id_card = id_card("99090219850312002")
  fails(cp.EINVALID, c:person_register(s, f))
  f.id_card = id_card("53090219850312002")
  f.phone = "12345"
  fails(cp.EINVALID, c:person_register(s, f))
  f.phone = "0883-2123456"
  f.name = ""
  fails(cp.EINVALID, c:person_register(s, f))
  f.name = ("a"):rep(cp.PERSON_NAME_MAX + 1)
  fails(cp.ETOOLONG, c:person_register(s, f))
  f.name = "\xFF\xFE"
  fails(cp.EUTF8, c:person_register(s, f))
  f.name = "王伟"
  f.categories = 0x100
  fails(cp.EINVALID, c:person_register(s, f))
  f.categories = cp.CATEGORY_SECURITY_GUARD | cp.CATEGORY_COURIER
  f.home_area = st.bureau
  fails(cp.ERULE, c:person_register(s, f))
  f.home_area = st.compound
  local id = assert(c:person_register(s, f))
  f.name = "王伟二"
  contains(fails(cp.EEXISTS, c:person_register(s, f)), "530***********")
  local p <close> = assert(c:person_get(s, id))
  eq(p:name(), "王伟", "name")
  eq(p:birth_date(), 19850312, "birth date")
  eq(p:categories(), cp.CATEGORY_SECURITY_GUARD | cp.CATEGORY_COURIER, "categories")
  eq(p:phone(), "0883-2123456", "phone")
  eq(p:station(), st.station, "station")
  eq(st.count_audit(id), 1, "audit")
  raises("has no field 'nickname'", c.person_register, c, s, {nickname = "x"})
  raises("string expected", c.person_register, c, s, {name = 12})
  raises("id (36-character string) expected", c.person_register, c, s, {home_area = 12})
end)

each_backend("masking for roles without the sensitive permission", function(st, c)
  local officer = st.staff("张警官", "53090219800101001", cp.ROLE_OFFICER, st.station)
  local operator = st.staff("服务站小刘", "53090219900101002", cp.ROLE_OPERATOR, st.station)
  local analyst = st.staff("分析员", "53090219910101003", cp.ROLE_ANALYST, st.station)
  local someone = st.person("居民甲", "53090219700505004", st.compound)
  do
    local p <close> = assert(c:person_get(officer, someone))
    eq(p:masked(), false, "officer sees in full")
    eq(p:id_card(), id_card("53090219700505004"), "full number")
  end
  do
    local p <close> = assert(c:person_get(operator, someone))
    eq(p:masked(), true, "operator sees masked")
    eq(p:id_card():sub(1, 14), "530***********", "masked number")
    eq(p:phone(), "139****5678", "masked phone")
    eq(p:birth_date(), 0, "no birth date when masked (the hidden digits are the birth date)")
    eq(p:birth_year(), 1970, "the birth year is always given")
  end
  local n = 0
  for row in assert(c:person_iter(analyst)) do
    eq(row.masked, true, "row masked")
    contains(row.id_card, "***********", "row id card")
    eq(row.birth_date, 0, "row birth date")
    eq(row.birth_year > 1900, true, "row birth year")
    n = n + 1
  end
  eq(n, 4, "people")
  local own <close> = assert(c:person_get(operator, operator:person()))
  eq(own:masked(), false, "own file in full")
  officer:close(); operator:close(); analyst:close()
end)

each_backend("volunteer lifecycle, every edge", function(st, c)
  local officer = st.staff("张警官", "53090219800101001", cp.ROLE_OFFICER, st.station)
  local aux = st.staff("李辅警", "53090219850101002", cp.ROLE_AUXILIARY, st.station)
  local v = st.person("赵义警", "53090219950101003", st.compound)
  fails(cp.ERULE, c:volunteer_apply(aux, v, cp.ROLE_OFFICER, st.community))
  fails(cp.ERULE, c:role_appoint(st.sys, v, cp.ROLE_VOLUNTEER, st.community))
  local a = assert(c:volunteer_apply(aux, v, cp.ROLE_VOLUNTEER, st.community, "自愿报名"))
  fails(cp.EEXISTS, c:volunteer_apply(aux, v, cp.ROLE_VOLUNTEER, st.community))
  contains(fails(cp.ESTATE, c:assignment_step(officer, a, cp.ASSIGNMENT_ADMITTED)), "allowed: under review")
  fails(cp.ESTATE, c:assignment_step(officer, a, cp.ASSIGNMENT_ACTIVE))
  contains(fails(cp.EPERM, c:assignment_step(aux, a, cp.ASSIGNMENT_UNDER_REVIEW)), "volunteer.review")
  assert(c:assignment_step(officer, a, cp.ASSIGNMENT_UNDER_REVIEW))
  fails(cp.EINVALID, c:assignment_step(officer, a, cp.ASSIGNMENT_REJECTED))
  assert(c:assignment_step(officer, a, cp.ASSIGNMENT_ADMITTED, "政审通过"))
  contains(fails(cp.EPERM, c:actor_open(v, cp.ROLE_VOLUNTEER)), "admitted")
  assert(c:assignment_step(officer, a, cp.ASSIGNMENT_ACTIVE))
  local vol = assert(c:actor_open(v, cp.ROLE_VOLUNTEER))
  eq(vol:role(), cp.ROLE_VOLUNTEER, "actor role")
  eq(vol:person(), v, "actor person")
  eq(vol:can(cp.PERM_PERSON_REGISTER), false, "actor can")
  fails(cp.EPERM, c:assignment_step(vol, a, cp.ASSIGNMENT_RETIRED, "不干了"))
  fails(cp.EINVALID, c:assignment_step(officer, a, cp.ASSIGNMENT_SUSPENDED, ""))
  assert(c:assignment_step(officer, a, cp.ASSIGNMENT_SUSPENDED, "巡逻缺勤三次"))
  contains(fails(cp.EPERM, c:person_note_add(vol, v, cp.NOTE_GENERAL, "x")), "suspended")
  assert(c:assignment_step(officer, a, cp.ASSIGNMENT_ACTIVE, "整改到位"))
  assert(c:person_note_add(officer, v, cp.NOTE_DISCIPLINE, "缺勤三次，已约谈"))
  assert(c:assignment_step(officer, a, cp.ASSIGNMENT_RETIRED, "搬离辖区"))
  contains(fails(cp.ESTATE, c:assignment_step(officer, a, cp.ASSIGNMENT_ACTIVE)), "none (final state)")
  do
    local asg <close> = assert(c:assignment_get(officer, a))
    eq(asg:status(), cp.ASSIGNMENT_RETIRED, "retired")
    eq(cp.assignment_status_name(asg:status()), "retired", "status name")
  end
  eq(c:person_note_count(officer, v, cp.NOTE_DISCIPLINE), 1, "notes")
  local actions = {}
  for e in assert(c:audit_iter(officer, {object = a})) do actions[#actions + 1] = e.action end
  eq(table.concat(actions, ";"), "volunteer.apply;volunteer.review;volunteer.admit;volunteer.activate;"
     .. "volunteer.suspend;volunteer.reinstate;volunteer.retire", "audit trail")
  assert(c:volunteer_apply(aux, v, cp.ROLE_VOLUNTEER, st.community, "回到辖区"))
  vol:close(); officer:close(); aux:close()
end)

each_backend("station scope and permissions", function(st, c)
  local officer = st.staff("张警官", "53090219800101001", cp.ROLE_OFFICER, st.station)
  local leader = st.staff("刘所长", "53090219750101002", cp.ROLE_LEADER, st.station)
  local foreign = st.staff("外所民警", "53090219820101003", cp.ROLE_OFFICER, st.other_station)
  local far = assert(c:area_create(st.sys, st.other_station, cp.AREA_COMMUNITY, "锦凤社区"))
  local p = st.person("居民乙", "53090219600101004", st.compound)
  contains(fails(cp.EPERM, c:role_appoint(officer, p, cp.ROLE_AUXILIARY, st.station)), "role.appoint")
  local a = assert(c:role_appoint(leader, p, cp.ROLE_AUXILIARY, st.station))
  fails(cp.EEXISTS, c:role_appoint(leader, p, cp.ROLE_AUXILIARY, st.station))
  do
    local aux <close> = assert(c:actor_open(p, cp.ROLE_AUXILIARY))
    fails(cp.EPERM, c:assignment_step(aux, a, cp.ASSIGNMENT_SUSPENDED, "x"))
    contains(fails(cp.EPERM, c:audit_iter(aux)), "audit.view")
  end
  -- to a read, a file of another station does not exist (no probe across stations)
  contains(fails(cp.ENOTFOUND, c:person_get(foreign, p)), "does not exist")
  fails(cp.EPERM, c:person_update(foreign, p, {name = "改名"}))
  fails(cp.EPERM, c:area_create(foreign, st.community, cp.AREA_GRID, "越权网格"))
  assert(c:area_create(foreign, far, cp.AREA_GRID, "本所网格"))
  fails(cp.EPERM, c:person_update(officer, p, {home_area = far}))
  fails(cp.EPERM, c:area_create(leader, st.bureau, cp.AREA_STATION, "新所"))
  fails(cp.EMISUSE, c:audit_iter(nil))
  eq(count(assert(c:audit_iter(foreign, {object = p}))), 0, "other station's entries hidden")
  eq(count(assert(c:audit_iter(officer, {object = p}))) >= 1, true, "own station's entries")
  officer:close(); leader:close(); foreign:close()
end)

each_backend("people queries filter and page", function(st, c)
  local officer = st.staff("张警官", "53090219800101001", cp.ROLE_OFFICER, st.station)
  assert(c:batch_begin())
  for i = 0, 24 do
    local v = st.person("义警", string.format("530902199001%02d%03d", i % 28 + 1, 100 + i),
                        i < 20 and st.compound or st.community)
    local a = assert(c:volunteer_apply(officer, v, cp.ROLE_VOLUNTEER, st.community))
    if i % 5 ~= 0 then
      assert(c:assignment_step(officer, a, cp.ASSIGNMENT_UNDER_REVIEW))
      assert(c:assignment_step(officer, a, cp.ASSIGNMENT_ADMITTED))
      assert(c:assignment_step(officer, a, cp.ASSIGNMENT_ACTIVE))
    end
  end
  assert(c:batch_commit())
  local function n(filter) return count(assert(c:person_iter(officer, filter))) end
  eq(n({role = cp.ROLE_VOLUNTEER, status = cp.ASSIGNMENT_ACTIVE}), 20, "active volunteers")
  eq(n({role = cp.ROLE_VOLUNTEER, status = cp.ASSIGNMENT_ACTIVE, area = st.compound}), 16, "in the compound")
  eq(n({area = st.grid}), 20, "in the grid")
  eq(n({limit = 10, offset = 0}), 10, "page 1")
  eq(n({limit = 10, offset = 10}), 10, "page 2")
  eq(n({limit = 10, offset = 20}), 6, "page 3")
  fails(cp.EINVALID, c:person_iter(officer, {status = cp.ASSIGNMENT_ACTIVE}))
  fails(cp.EVERSION, c:person_iter(officer, {version = 99}))
  officer:close()
end)

each_backend("refusals change nothing", function(st, c)
  local aux = st.staff("李辅警", "53090219850101002", cp.ROLE_AUXILIARY, st.station)
  local p = st.person("居民丙", "53090219600101004", st.compound)
  local before = st.count_audit(p)
  fails(cp.EEXISTS, c:person_update(aux, p, {name = "新名字", id_card = id_card("53090219850101002")}))
  fails(cp.EPERM, c:person_note_add(aux, p, cp.NOTE_DISCIPLINE, "x"))
  local pp <close> = assert(c:person_get(st.sys, p))
  eq(pp:name(), "居民丙", "unchanged")
  eq(st.count_audit(p), before, "no audit entry")
  aux:close()
end)

if cp._C.cpol_team_set_officer then
  each_backend("a non-error outcome (CPOL_ALREADY) is returned first", function(st, c)
    local officer = st.staff("张警官", "53090219800101001", cp.ROLE_OFFICER, st.station)
    local other = st.staff("王警官", "53090219810101002", cp.ROLE_OFFICER, st.station)
    local team = assert(c:team_create(st.sys, {name = "玉龙义警队", kind = cp.TEAM_VOLUNTEER_POLICE,
                                               area = st.community, officer = officer:person()}))
    eq(c:team_set_officer(st.sys, team, officer:person()), cp.ALREADY, "already the officer")
    eq(c:team_set_officer(st.sys, team, other:person(), "轮岗"), cp.OK, "replaced")
    local t <close> = assert(c:team_get(st.sys, team))
    eq(t:officer(), other:person(), "new officer")
    officer:close(); other:close()
  end)
end

-- ---- ledger and cases: the worlds of tests/support/fixture.c and check_case_world.c ----
--
-- Lua has no clock injection (bindings/coverage_exceptions.txt), so where
-- the C tests move the clock these scenarios use short real intervals
-- (wait_ms) or explicit times (reported_at, arrived_at) instead.

local MINUTE, HOUR, DAY = 60 * 1000, 60 * 60 * 1000, 24 * 60 * 60 * 1000

local function wait_ms(ctx, n)
  local t = ctx:now() + n
  while ctx:now() < t do end
end

local function nth_id_card(n)
  return id_card(string.format("5309021970%02d%02d%03d", n // 28 % 12 + 1, n % 28 + 1, n % 1000))
end

-- fx_world: bureau, station, community and compound, the system actor
local function world(backend)
  local w = {actors = {}}
  if backend == "sqlite" then
    w.path = tmpdb()
    w.ctx = assert(open_ctx("sqlite:" .. w.path))
  else
    w.ctx = assert(open_ctx("memory:"))
  end
  local c = w.ctx
  w.sys = assert(c:actor_system())
  w.bureau = assert(c:area_create(w.sys, nil, cp.AREA_BUREAU, "临翔分局"))
  w.station = assert(c:area_create(w.sys, w.bureau, cp.AREA_STATION, "忙畔派出所"))
  w.community = assert(c:area_create(w.sys, w.station, cp.AREA_COMMUNITY, "玉龙社区"))
  w.compound = assert(c:area_create(w.sys, w.community, cp.AREA_COMPOUND, "玉龙小区"))
  function w.id() return assert(c:id_new()) end
  function w.person(name, n, home)
    return assert(c:person_register(w.sys, {name = name, id_card = nth_id_card(n), home_area = home or w.compound,
                                            phone = "13812345678"}))
  end
  function w.actor(person, role)
    local a = assert(c:actor_open(person, role))
    w.actors[#w.actors + 1] = a
    return a
  end
  function w.staff(name, n, role)
    local p = w.person(name, n)
    assert(c:role_appoint(w.sys, p, role, w.station))
    return w.actor(p, role), p
  end
  function w.volunteer(name, n, role)
    local p = w.person(name, n)
    local a = assert(c:volunteer_apply(w.sys, p, role or cp.ROLE_VOLUNTEER, w.community))
    for _, to in ipairs({cp.ASSIGNMENT_UNDER_REVIEW, cp.ASSIGNMENT_ADMITTED, cp.ASSIGNMENT_ACTIVE}) do
      assert(c:assignment_step(w.sys, a, to))
    end
    return p
  end
  function w.close()
    for _, a in ipairs(w.actors) do a:close() end
    w.sys:close()
    assert(w.ctx:close())
    if w.path then rmdb(w.path) end
  end
  return w
end

-- check_ledger.c's setup(): officer, auxiliary, operator; patrol 10 (30 a day), publicity 5, lead 50
local function ledger_world(backend)
  local w = world(backend)
  local c = w.ctx
  w.officer, w.officer_id = w.staff("张警官", 1, cp.ROLE_OFFICER)
  w.aux, w.aux_id = w.staff("李辅警", 2, cp.ROLE_AUXILIARY)
  w.operator = w.staff("服务站小刘", 3, cp.ROLE_OPERATOR)
  assert(c:earning_rule_set(w.officer, w.station, cp.EARN_PATROL, 10, 30, 200))
  assert(c:earning_rule_set(w.officer, w.station, cp.EARN_PUBLICITY, 5, 0, 0))
  assert(c:earning_rule_set(w.officer, w.station, cp.EARN_CASE_LEAD, 50, 0, 0))
  function w.balance(p) return assert(c:points_balance(w.sys, p)) end
  -- An award names a real source of its kind (check_ledger.c): a completed
  -- sign-up for patrol and publicity, a verified case the person reported
  -- for a lead. The sources are made with the station's rule set aside, so
  -- the library's own award does not pay them and the manual award can.
  function w.suspend_rule(kind)
    local points, daily, monthly = assert(c:earning_rule_get(w.sys, w.station, kind))
    if points ~= 0 then assert(c:earning_rule_set(w.sys, w.station, kind, 0, 0, 0)) end
    return {kind, points, daily, monthly}
  end
  function w.restore_rule(r)
    if r[2] ~= 0 then assert(c:earning_rule_set(w.sys, w.station, r[1], r[2], r[3], r[4])) end
  end
  -- completed sign-ups of `people` for one new patrol or publicity shift, under way since a minute ago
  function w.done_signups(people, shift_kind)
    shift_kind = shift_kind or cp.SHIFT_PATROL
    local r = w.suspend_rule(shift_kind == cp.SHIFT_PATROL and cp.EARN_PATROL or cp.EARN_PUBLICITY)
    local now = c:now()
    local shift = assert(c:shift_create(w.aux, {area = w.community, kind = shift_kind,
                                                title = shift_kind == cp.SHIFT_PATROL and "夜间巡逻" or "反诈宣传",
                                                starts_at = now - MINUTE, ends_at = now + HOUR,
                                                capacity = #people}))
    local out = {}
    for i, p in ipairs(people) do
      out[i] = assert(c:shift_signup(w.aux, shift, p))
      assert(c:signup_check_in(w.aux, out[i]))
      assert(c:signup_complete(w.aux, out[i], 30))
    end
    w.restore_rule(r)
    return out
  end
  -- a case `person` reported as a volunteer, verified with the lead rule set aside
  function w.unrewarded_lead(person)
    local vol <close> = assert(c:actor_open(person, cp.ROLE_VOLUNTEER))
    local case = assert(c:case_report(vol, {source = cp.CASE_SOURCE_VOLUNTEER_PATROL,
                                            category = cp.CASE_PUBLIC_ORDER, area = w.compound,
                                            address = "玉龙小区3栋", description = "楼道里有陌生人反复试门"}))
    local r = w.suspend_rule(cp.EARN_CASE_LEAD)
    assert(c:case_verify(w.aux, case, "核实属实"))
    w.restore_rule(r)
    return case
  end
  function w.source_for(p, kind)
    if kind == cp.EARN_CASE_LEAD then return w.unrewarded_lead(p) end
    return w.done_signups({p}, kind == cp.EARN_PATROL and cp.SHIFT_PATROL or cp.SHIFT_PUBLICITY)[1]
  end
  function w.award_for(p, kind, src)
    local status, amount = assert(c:points_award(w.aux, w.id(), p, kind, src))
    eq(status, cp.OK, "award status")
    return amount
  end
  -- a manual award by the auxiliary for a new real source
  function w.award(p, kind) return w.award_for(p, kind, w.source_for(p, kind)) end
  -- points imported by the installation (the system actor): any source
  function w.import_award(p, kind)
    local status, amount = assert(c:points_award(w.sys, w.id(), p, kind, w.id()))
    eq(status, cp.OK, "import status")
    return amount
  end
  function w.stock(item)
    local it <close> = assert(c:shop_item_get(w.sys, item))
    return it:stock()
  end
  function w.verify()
    local n = assert(c:ledger_verify(w.sys))
    eq(math.type(n), "integer", "postings checked")
    return n
  end
  return w
end

local function each_world(make, name, fn)
  for _, backend in ipairs({"memory", "sqlite"}) do
    test(name .. " [" .. backend .. "]", function()
      local w = make(backend)
      fn(w, w.ctx)
      w.close()
    end)
  end
end

-- ---- ledger (check_ledger.c) -------------------------------------------------------------

each_world(ledger_world, "ledger: volunteers earn and redeem", function(w, c)
  local soap = assert(c:shop_item_create(w.officer, w.station, "洗衣粉", 30, 100))
  local rice = assert(c:shop_item_create(w.officer, w.station, "大米 5kg", 70, 10))
  assert(c:batch_begin())
  local vols = {}
  for i = 0, 42 do vols[#vols + 1] = w.volunteer("玉龙义警", 100 + i) end
  local patrols = {w.done_signups(vols), w.done_signups(vols)}
  local publicity = w.done_signups(vols, cp.SHIFT_PUBLICITY)
  assert(c:batch_commit())
  local total = 0
  -- two patrols and a publicity session each; every third brings a verified lead
  for i, v in ipairs(vols) do
    total = total + w.award_for(v, cp.EARN_PATROL, patrols[1][i]) + w.award_for(v, cp.EARN_PATROL, patrols[2][i])
      + w.award_for(v, cp.EARN_PUBLICITY, publicity[i])
    if (i - 1) % 3 == 0 then total = total + w.award(v, cp.EARN_CASE_LEAD) end
  end
  eq(total, 43 * 25 + 15 * 50, "points awarded")
  eq(w.balance(vols[1]), 75, "with a lead")
  eq(w.balance(vols[2]), 25, "without")
  local redeemed, out_of_stock = 0, 0
  for i = 1, 43, 3 do
    local status, charged, code = c:shop_redeem(w.operator, w.id(), vols[i], rice, 1, 0)
    if status then
      eq(status, cp.OK, "status")
      eq(charged, 70, "charged")
      eq(w.balance(vols[i]), 5, "after rice")
      redeemed = redeemed + 1
    else
      eq(code, cp.ELIMIT, "out of stock")
      contains(charged, "in stock", "message")
      eq(w.balance(vols[i]), 75, "not charged")
      out_of_stock = out_of_stock + 1
    end
  end
  eq(redeemed, 10, "redeemed")
  eq(out_of_stock, 5, "out of stock")
  contains(fails(cp.EFUNDS, c:shop_redeem(w.operator, w.id(), vols[2], soap, 1, 0)), "30 points needed, 25 available")
  eq(w.stock(rice), 0, "rice left")
  local names = {}
  for item in c:shop_item_iter(w.sys, w.station) do names[#names + 1] = item.name .. "=" .. item.price end
  eq(table.concat(names, ";"), "大米 5kg=70;洗衣粉=30", "catalogue")
  eq(w.verify() > 0, true, "verified")
end)

each_world(ledger_world, "ledger: earning rules and caps", function(w, c)
  local v = w.volunteer("义警甲", 100)
  local other = w.volunteer("义警乙", 101)
  local vol = w.actor(v, cp.ROLE_VOLUNTEER)
  for _ = 1, 3 do eq(w.award(v, cp.EARN_PATROL), 10, "patrol") end
  local req, src = w.id(), w.source_for(v, cp.EARN_PATROL)
  contains(fails(cp.ELIMIT, c:points_award(w.aux, req, v, cp.EARN_PATROL, src)), "daily cap")
  eq(w.balance(v), 30, "capped")
  fails(cp.ERULE, c:points_award(w.aux, req, v, cp.EARN_TRAINING, src))
  contains(fails(cp.ERULE, c:points_award(w.aux, req, w.aux_id, cp.EARN_PATROL, src)), "themselves")
  contains(fails(cp.EPERM, c:points_award(vol, req, other, cp.EARN_PATROL, src)), "points.award")
  src = w.source_for(other, cp.EARN_PUBLICITY)
  local status, amount = c:points_award(w.aux, req, other, cp.EARN_PUBLICITY, src)
  eq(status, cp.OK, "award")
  eq(amount, 5, "amount")
  fails(cp.ECONFLICT, c:points_award(w.aux, w.id(), other, cp.EARN_PUBLICITY, src)) -- one source earns once
  fails(cp.EINVALID, c:points_award(w.aux, req, v, 99, src))
  fails(cp.EMISUSE, c:points_award(w.aux, nil, v, cp.EARN_PATROL, src))
  fails(cp.EUTF8, c:points_award(w.aux, req, v, cp.EARN_PATROL, src, "\xC3"))
  fails(cp.EINVALID, c:earning_rule_set(w.officer, w.station, cp.EARN_PATROL, -1, 0, 0))
  fails(cp.EINVALID, c:earning_rule_set(w.officer, w.community, cp.EARN_PATROL, 5, 0, 0))
  fails(cp.EPERM, c:earning_rule_set(w.aux, w.station, cp.EARN_PATROL, 5, 0, 0))
  local p, d, m = c:earning_rule_get(w.aux, w.station, cp.EARN_PATROL)
  eq(p .. "/" .. d .. "/" .. m, "10/30/200", "rule")
  -- a soft limit flags, never refuses
  fails(cp.EPERM, c:points_set_soft_limit(w.aux, v, 35))
  fails(cp.EINVALID, c:points_set_soft_limit(w.officer, v, -1))
  assert(c:points_set_soft_limit(w.officer, v, 35))
  local r1, r2 = w.id(), w.id()
  assert(c:points_award(w.aux, r1, v, cp.EARN_PUBLICITY, w.source_for(v, cp.EARN_PUBLICITY))) -- 35: not above
  assert(c:points_award(w.aux, r2, v, cp.EARN_PUBLICITY, w.source_for(v, cp.EARN_PUBLICITY), "宣传")) -- 40: above
  do
    local t <close> = assert(c:transfer_get(w.aux, r1))
    eq(t:flagged(), false, "not flagged")
  end
  local t <close> = assert(c:transfer_get(w.aux, r2))
  eq(t:flagged(), true, "flagged")
  local row = t:row()
  eq(row.id, r2, "id")
  eq(row.kind, cp.TRANSFER_AWARD, "kind")
  eq(row.earning_kind, cp.EARN_PUBLICITY, "earning kind")
  eq(row.person, v, "person")
  eq(row.memo, "宣传", "memo")
  eq(row.reverses, nil, "reverses nothing")
  eq(w.balance(v), 40, "balance")
  eq(cp.earning_kind_name(cp.EARN_PATROL), "patrol", "earning kind name")
  w.verify()
end)

each_world(ledger_world, "ledger: replays return ALREADY, conflicts name the field", function(w, c)
  local n = 200
  assert(c:earning_rule_set(w.officer, w.station, cp.EARN_PATROL, 1, 0, 0))
  local v = {}
  for i = 1, 4 do v[i] = w.volunteer("义警", 99 + i) end
  local reqs, srcs = {}, {}
  assert(c:batch_begin())
  for i = 1, n, 4 do
    local done = w.done_signups(v) -- srcs[i] is v[(i - 1) % 4 + 1]'s
    for k = 1, 4 do srcs[i + k - 1] = done[k] end
  end
  for i = 1, n do
    reqs[i] = w.id()
    assert(c:points_award(w.aux, reqs[i], v[(i - 1) % 4 + 1], cp.EARN_PATROL, srcs[i], "巡逻"))
  end
  assert(c:batch_commit())
  eq(w.balance(v[1]), n // 4, "balance")
  -- a kiosk retrying every request after a dropped connection
  for i = 1, n do
    local status, amount = c:points_award(w.aux, reqs[i], v[(i - 1) % 4 + 1], cp.EARN_PATROL, srcs[i], "巡逻")
    eq(status, cp.ALREADY, "replay")
    eq(amount, 1, "original amount")
  end
  for i = 1, 4 do eq(w.balance(v[i]), n // 4, "unchanged") end
  contains(fails(cp.ECONFLICT, c:points_award(w.aux, reqs[1], v[2], cp.EARN_PATROL, srcs[1], "巡逻")), "person")
  contains(fails(cp.ECONFLICT, c:points_award(w.aux, reqs[1], v[1], cp.EARN_PUBLICITY, srcs[1], "巡逻")), "earning kind")
  contains(fails(cp.ECONFLICT, c:points_award(w.aux, reqs[1], v[1], cp.EARN_PATROL, srcs[2], "巡逻")), "source")
  contains(fails(cp.ECONFLICT, c:points_award(w.aux, reqs[1], v[1], cp.EARN_PATROL, srcs[1], "别的")), "memo")
  for i = 1, 4 do eq(w.balance(v[i]), n // 4, "unchanged after conflicts") end
  eq(w.verify() >= 2 * n, true, "postings")
end)

each_world(ledger_world, "ledger: holds post, void and expire exactly once", function(w, c)
  local v = w.volunteer("义警甲", 100)
  local item = assert(c:shop_item_create(w.officer, w.station, "食用油", 20, 5))
  w.award(v, cp.EARN_CASE_LEAD) -- 50
  local h1, h2, h3 = w.id(), w.id(), w.id()
  local status, held = c:shop_redeem(w.operator, h1, v, item, 1, 60000)
  eq(status, cp.OK, "held")
  eq(held, 20, "amount held")
  assert(c:shop_redeem(w.operator, h2, v, item, 1, 60000))
  local b, avail = w.balance(v)
  eq(b .. "/" .. avail, "50/10", "holds count at once")
  fails(cp.EFUNDS, c:shop_redeem(w.operator, h3, v, item, 1, 60000))
  eq(w.stock(item), 3, "stock reserved")
  eq(c:shop_redemption_status(w.operator, h1), cp.REDEMPTION_HELD, "redemption held")
  eq(c:hold_post(w.operator, h1), cp.OK, "post")
  eq(c:hold_post(w.operator, h1), cp.ALREADY, "post again")
  fails(cp.ESTATE, c:hold_void(w.operator, h1))
  eq(c:hold_void(w.operator, h2), cp.OK, "void")
  eq(c:hold_void(w.operator, h2), cp.ALREADY, "void again")
  fails(cp.ESTATE, c:hold_post(w.operator, h2))
  b, avail = w.balance(v)
  eq(b .. "/" .. avail, "30/30", "after post and void")
  eq(w.stock(item), 4, "voided stock back")
  eq(c:hold_status(w.operator, h1), cp.HOLD_POSTED, "posted")
  eq(c:hold_status(w.operator, h2), cp.HOLD_VOIDED, "voided")
  -- a hold that times out (5 ms here: no injected clock in Lua) releases points
  -- and stock and cannot be posted
  assert(c:shop_redeem(w.operator, h3, v, item, 1, 5))
  wait_ms(c, 10)
  eq(c:hold_status(w.operator, h3), cp.HOLD_EXPIRED, "expired")
  contains(fails(cp.ESTATE, c:hold_post(w.operator, h3)), "expired")
  b, avail = w.balance(v)
  eq(b .. "/" .. avail, "30/30", "released")
  eq(w.stock(item), 4, "stock released")
  eq(c:shop_redemption_status(w.operator, h3), cp.REDEMPTION_EXPIRED, "redemption expired")
  eq(c:hold_expire_due(w.officer), 0, "nothing left to expire")
  local h4 = w.id()
  assert(c:shop_redeem(w.operator, h4, v, item, 1, 5))
  wait_ms(c, 10)
  eq(c:hold_expire_due(w.officer), 1, "the nightly job")
  eq(c:hold_status(w.operator, h4), cp.HOLD_EXPIRED, "expired by the job")
  fails(cp.ENOTFOUND, c:hold_status(w.operator, w.id()))
  w.verify()
end)

each_world(ledger_world, "ledger: redemption, retry and refund", function(w, c)
  local v = w.volunteer("义警甲", 100)
  local vol = w.actor(v, cp.ROLE_VOLUNTEER)
  local item = assert(c:shop_item_create(w.officer, w.station, "毛巾", 5, 10))
  fails(cp.EEXISTS, c:shop_item_create(w.officer, w.station, "毛巾", 5, 10))
  w.award(v, cp.EARN_CASE_LEAD)
  local receipt = w.id()
  contains(fails(cp.EPERM, c:shop_redeem(vol, receipt, v, item, 2, 0)), "points.redeem")
  fails(cp.EINVALID, c:shop_redeem(w.operator, receipt, v, item, 0, 0))
  fails(cp.EINVALID, c:shop_redeem(w.operator, receipt, v, item, 1, -5))
  fails(cp.ELIMIT, c:shop_redeem(w.operator, receipt, v, item, 11, 0))
  local status, charged = c:shop_redeem(w.operator, receipt, v, item, 2, 0)
  eq(status, cp.OK, "redeemed")
  eq(charged, 10, "charged")
  status, charged = c:shop_redeem(w.operator, receipt, v, item, 2, 0) -- the kiosk retries
  eq(status, cp.ALREADY, "retry")
  eq(charged, 10, "original amount, no second charge")
  contains(fails(cp.ECONFLICT, c:shop_redeem(w.operator, receipt, v, item, 3, 0)), "quantity")
  eq(w.balance(v), 40, "charged once")
  eq(w.stock(item), 8, "stock")
  local refund = w.id()
  fails(cp.EINVALID, c:shop_refund(w.officer, refund, receipt, ""))
  fails(cp.EPERM, c:shop_refund(w.operator, refund, receipt, "退货"))
  eq(c:shop_refund(w.officer, refund, receipt, "退货"), cp.OK, "refund")
  eq(c:shop_refund(w.officer, refund, receipt, "退货"), cp.ALREADY, "refund again")
  fails(cp.ECONFLICT, c:shop_refund(w.officer, w.id(), receipt, "再退"))
  eq(c:shop_redemption_status(vol, receipt), cp.REDEMPTION_REFUNDED, "refunded")
  do
    local t <close> = assert(c:transfer_get(w.officer, refund))
    eq(t:kind(), cp.TRANSFER_REFUND, "refund transfer")
    eq(t:reverses(), receipt, "linked to the receipt")
  end
  eq(w.balance(v), 50, "points back")
  eq(w.stock(item), 10, "stock back")
  fails(cp.ELIMIT, c:shop_item_restock(w.officer, item, -11))
  assert(c:shop_item_restock(w.officer, item, 5))
  assert(c:shop_item_set_price(w.officer, item, 6))
  local it <close> = assert(c:shop_item_get(w.operator, item))
  eq(it:price() .. "/" .. it:stock(), "6/15", "restocked and repriced")
  w.verify()
end)

each_world(ledger_world, "ledger: a false lead is reversed once", function(w, c)
  local v = w.volunteer("义警甲", 100)
  local item = assert(c:shop_item_create(w.officer, w.station, "手电筒", 40, 10))
  local req = w.id()
  assert(c:points_award(w.aux, req, v, cp.EARN_CASE_LEAD, w.unrewarded_lead(v), "线索核实"))
  local rev = w.id()
  fails(cp.EPERM, c:points_reverse(w.aux, rev, req, "线索不实"))
  eq(c:points_reverse(w.officer, rev, req, "线索不实"), cp.OK, "reversed")
  eq(c:points_reverse(w.officer, rev, req, "线索不实"), cp.ALREADY, "replayed")
  fails(cp.ECONFLICT, c:points_reverse(w.officer, w.id(), req, "线索不实"))
  eq(w.balance(v), 0, "withdrawn")
  do
    local t <close> = assert(c:transfer_get(w.officer, rev))
    eq(t:kind(), cp.TRANSFER_REVERSAL, "kind")
    eq(t:reverses(), req, "reverses")
    eq(t:amount(), 50, "amount")
  end
  req = w.id()
  assert(c:points_award(w.aux, req, v, cp.EARN_CASE_LEAD, w.unrewarded_lead(v)))
  local receipt = w.id()
  assert(c:shop_redeem(w.operator, receipt, v, item, 1, 0))
  fails(cp.EFUNDS, c:points_reverse(w.officer, w.id(), req, "线索不实")) -- already spent
  eq(w.balance(v), 10, "nothing changed")
  fails(cp.EINVALID, c:points_reverse(w.officer, w.id(), receipt, "不是奖励"))
  w.verify()
end)

each_world(ledger_world, "ledger: statement and yearly clearing", function(w, c)
  local v = w.volunteer("义警甲", 100)
  local item = assert(c:shop_item_create(w.officer, w.station, "肥皂", 5, 10))
  w.award(v, cp.EARN_PATROL)
  wait_ms(c, 2)
  local from = c:now()
  w.award(v, cp.EARN_PATROL)
  assert(c:shop_redeem(w.operator, w.id(), v, item, 1, 0))
  local it = assert(c:statement_iter(w.sys, v, from, 0))
  eq(it:outputs().opening, 10, "opening balance")
  local lines = {}
  for l in it, nil, nil, it do lines[#lines + 1] = l.kind .. ":" .. l.amount .. ":" .. l.balance end
  eq(table.concat(lines, ";"), cp.TRANSFER_AWARD .. ":10:20;" .. cp.TRANSFER_REDEEM .. ":-5:15", "lines")
  fails(cp.EINVALID, c:statement_iter(w.sys, v, from, from))
  local o = w.volunteer("义警乙", 101)
  local self_, other = w.actor(v, cp.ROLE_VOLUNTEER), w.actor(o, cp.ROLE_VOLUNTEER)
  eq(count(assert(c:statement_iter(self_, v, 0, 0))), 3, "own statement")
  fails(cp.EPERM, c:points_balance(other, v))
  fails(cp.EPERM, c:ledger_verify(other))
  local batch = w.id()
  fails(cp.EPERM, c:points_expire_all(w.aux, batch, w.station))
  local status, accounts, points = c:points_expire_all(w.officer, batch, w.station)
  eq(status .. "/" .. accounts .. "/" .. points, cp.OK .. "/1/15", "cleared")
  eq(w.balance(v), 0, "cleared balance")
  w.award(v, cp.EARN_PUBLICITY)
  status, accounts, points = c:points_expire_all(w.officer, batch, w.station)
  eq(status .. "/" .. accounts .. "/" .. points, cp.ALREADY .. "/1/15", "once")
  eq(w.balance(v), 5, "later points kept")
  w.verify()
end)

each_world(ledger_world, "ledger: leaderboard ranks a period and scope", function(w, c)
  assert(c:earning_rule_set(w.officer, w.station, cp.EARN_PATROL, 10, 0, 0))
  local v = {}
  for i = 1, 4 do v[i] = w.volunteer("义警" .. ("ABCD"):sub(i, i), 9 + i) end
  local other_area = assert(c:area_create(w.sys, w.station, cp.AREA_COMMUNITY, "锦凤社区"))
  assert(c:person_update(w.sys, v[4], {home_area = other_area}))
  -- points imported by the installation (check_dossier.c): any source
  w.import_award(v[1], cp.EARN_CASE_LEAD) -- before the period
  wait_ms(c, 2)
  local from = c:now()
  for _ = 1, 3 do
    w.import_award(v[2], cp.EARN_PATROL)
    w.import_award(v[3], cp.EARN_PATROL)
  end
  w.import_award(v[1], cp.EARN_PATROL)
  local lead = w.id()
  assert(c:points_award(w.sys, lead, v[4], cp.EARN_CASE_LEAD, w.id()))
  assert(c:points_reverse(w.officer, w.id(), lead, "线索不实"))
  local function board(f)
    f.station, f.from = w.station, from
    local seen = {}
    for e in assert(c:leaderboard_iter(w.officer, f)) do seen[#seen + 1] = e.rank .. ":" .. e.name .. ":" .. e.points end
    return table.concat(seen, ";")
  end
  eq(board({}), "1:义警B:30;1:义警C:30;3:义警A:10;4:义警D:0", "ranks")
  eq(board({area = w.community, limit = 2}), "1:义警B:30;1:义警C:30", "community, top 2")
  local team = assert(c:team_create(w.officer, {name = "巡逻队", kind = cp.TEAM_PATROL,
                                               composition = cp.TEAM_TEMPLATE_1_N, area = w.community,
                                               officer = w.officer_id}))
  assert(c:team_member_add(w.officer, team, v[3], cp.TEAM_ROLE_MEMBER))
  eq(board({team = team}), "1:义警C:30", "a team")
  fails(cp.EINVALID, c:leaderboard_iter(w.officer, {from = from}))
  fails(cp.EINVALID, c:leaderboard_iter(w.officer, {station = w.station, from = from, to = from}))
  fails(cp.EPERM, c:leaderboard_iter(w.actor(v[1], cp.ROLE_VOLUNTEER), {station = w.station}))
  w.verify()
end)

-- ---- cases (check_case.c, check_case_seeds.c, check_case_ops.c) ------------------------------

local YULONG_LAT, YULONG_LON = 23.886, 100.092

local function case_world(backend)
  local w = world(backend)
  local c, s = w.ctx, w.sys
  local seq = 0
  local function staff(name, role)
    seq = seq + 1
    return w.staff(name, seq, role)
  end
  local function vol(name, role)
    seq = seq + 1
    local p = w.volunteer(name, seq, role)
    return w.actor(p, role), p
  end
  local function team(name, area, officer)
    return assert(c:team_create(s, {name = name, kind = cp.TEAM_VOLUNTEER_POLICE, composition = cp.TEAM_TEMPLATE_1_1_N,
                                     area = area, officer = officer}))
  end
  assert(c:batch_begin())
  w.officer, w.officer_id = staff("李警官", cp.ROLE_OFFICER)
  w.aux, w.aux_id = staff("张辅警", cp.ROLE_AUXILIARY)
  w.leader, w.leader_id = staff("石所长", cp.ROLE_LEADER)
  w.analyst = staff("分析员周", cp.ROLE_ANALYST)
  w.operator = staff("操作员吴", cp.ROLE_OPERATOR)
  w.informant, w.informant_id = vol("信息员王", cp.ROLE_INFORMANT)
  w.guard, w.guard_id = vol("保安刘", cp.ROLE_PROPERTY_GUARD)
  w.grid, w.grid_id = vol("网格员陈", cp.ROLE_GRID_WORKER)
  w.head, w.head_id = vol("楼栋长赵", cp.ROLE_BUILDING_HEAD)
  w.vol, w.vol_id = vol("义警李育斌", cp.ROLE_VOLUNTEER)
  seq = seq + 1
  w.resident = w.person("居民孙", seq)
  w.team = team("玉龙义警", w.community, w.officer_id)
  for _, m in ipairs({{w.aux_id, cp.TEAM_ROLE_AUXILIARY}, {w.guard_id, cp.TEAM_ROLE_MEMBER},
                      {w.informant_id, cp.TEAM_ROLE_MEMBER}, {w.vol_id, cp.TEAM_ROLE_MEMBER}}) do
    assert(c:team_member_add(s, w.team, m[1], m[2]))
  end
  w.other_station = assert(c:area_create(s, w.bureau, cp.AREA_STATION, "南屏派出所"))
  w.other_community = assert(c:area_create(s, w.other_station, cp.AREA_COMMUNITY, "锦凤社区"))
  seq = seq + 1
  w.other_officer_id = w.person("赵警官", seq, w.other_community)
  assert(c:role_appoint(s, w.other_officer_id, cp.ROLE_OFFICER, w.other_station))
  w.other_officer = w.actor(w.other_officer_id, cp.ROLE_OFFICER)
  w.other_team = team("锦凤义警", w.other_community, w.other_officer_id)
  assert(c:batch_commit())

  function w.report(as, source, category, description, more)
    local f = {source = source, category = category, description = description, area = w.compound,
               address = "玉龙小区3栋", has_location = 1, latitude = YULONG_LAT, longitude = YULONG_LON}
    for k, v in pairs(more or {}) do f[k] = v end
    return assert(c:case_report(as, f))
  end
  function w.state(k)
    local got <close> = assert(c:case_get(s, k))
    return got:state()
  end
  local steps = {
    [cp.CASE_REPORTED] = function(k) return c:case_verify(w.officer, k, "核实属实") end,
    [cp.CASE_VERIFIED] = function(k) return c:case_assess(w.officer, k, cp.RISK_GENERAL) end,
    [cp.CASE_ASSESSED] = function(k) return c:case_assign(w.aux, k, cp.TIER_OFFICER, w.officer_id) end,
    [cp.CASE_ASSIGNED] = function(k) return c:case_arrive(w.officer, k, w.officer_id, 0) end,
    [cp.CASE_HANDLING] = function(k) return c:case_resolve(w.officer, k, cp.OUTCOME_MEDIATED, "握手言和") end,
    [cp.CASE_RESOLVED] = function(k) return c:case_feedback(w.aux, k, "已告知报告人") end,
    [cp.CASE_FED_BACK] = function(k) return c:case_followup(w.aux, k, 0, 5, 0) end,
    [cp.CASE_FOLLOWED_UP] = function(k) return c:case_close(w.leader, k) end,
  }
  -- cw_advance(): staff take the case forward until it reaches `state`
  function w.advance(k, state)
    while true do
      local now = w.state(k)
      if now == state then return end
      assert(steps[now](k))
    end
  end
  function w.events(k, as)
    local list = {}
    for e in assert(c:case_event_iter(as or s, k)) do list[#list + 1] = e end
    return list
  end
  -- cw_snap(): what a refusal must leave as it was
  function w.snap(k)
    local got <close> = assert(c:case_get(s, k))
    local row = got:row()
    local keys = {}
    for key in pairs(row) do keys[#keys + 1] = key end
    table.sort(keys)
    local parts = {}
    for _, key in ipairs(keys) do parts[#parts + 1] = key .. "=" .. tostring(row[key]) end
    parts[#parts + 1] = "events=" .. #w.events(k)
    parts[#parts + 1] = "audit=" .. count(assert(c:audit_iter(s, {object = k})))
    return table.concat(parts, ";")
  end
  return w
end

each_world(case_world, "cases: intake reads back and protects informants", function(w, c)
  local tip = w.report(w.informant, cp.CASE_SOURCE_INFORMANT_TIP, cp.CASE_NEIGHBOUR, "3栋两户因噪音争吵")
  eq(#tip, 36, "an id")
  do
    local k <close> = assert(c:case_get(w.officer, tip))
    eq(k:source(), cp.CASE_SOURCE_INFORMANT_TIP, "source")
    eq(k:category(), cp.CASE_NEIGHBOUR, "category")
    eq(k:state(), cp.CASE_REPORTED, "state")
    eq(k:risk_grade(), 0, "grade")
    eq(k:handler(), nil, "handler")
    eq(k:area(), w.compound, "area")
    eq(k:station(), w.station, "station")
    eq(k:address(), "玉龙小区3栋", "address")
    eq(k:description(), "3栋两户因噪音争吵", "description")
    eq(k:has_location(), true, "located")
    eq(k:latitude(), YULONG_LAT, "latitude")
    eq(k:longitude(), YULONG_LON, "longitude")
    eq(k:confidential(), true, "confidential")
    eq(k:reporter_masked(), false, "the officer sees who tipped")
    eq(k:reporter(), w.informant_id, "reporter")
    eq(k:resolved_at(), 0, "not resolved")
  end
  do
    local k <close> = assert(c:case_get(w.analyst, tip))
    eq(k:reporter_masked(), true, "the analyst does not")
    eq(k:reporter(), nil, "masked reporter")
  end
  local first = w.events(tip, w.analyst)[1]
  eq(first.step, cp.STEP_REPORT, "first step")
  eq(first.from, 0, "from")
  eq(first.to, cp.CASE_REPORTED, "to")
  eq(first.subject, nil, "reporter removed")
  eq(first.actor, nil, "recorder removed")
  for k in assert(c:case_iter(w.analyst)) do eq(k.reporter, nil, "listed masked") end
  do
    local k <close> = assert(c:case_get(w.informant, tip))
    eq(k:reporter_masked(), false, "the informant reads their own tip")
  end
  local f = {source = cp.CASE_SOURCE_RESIDENT_COMPLAINT, category = cp.CASE_HAZARD, description = "消防通道被杂物堵塞",
             reporter_name = "居民王女士", area = w.compound}
  local complaint = assert(c:case_report(w.aux, f))
  do
    local k <close> = assert(c:case_get(w.analyst, complaint))
    eq(k:reporter_name(), "居民王女士", "named reporter shown")
    eq(k:has_location(), false, "no location")
  end
  f.confidential = 1
  complaint = assert(c:case_report(w.aux, f))
  do
    local k <close> = assert(c:case_get(w.analyst, complaint))
    eq(k:reporter_name(), "", "confidential")
  end
  contains(fails(cp.EPERM, c:case_get(w.guard, tip)), "case.view")
  fails(cp.EPERM, c:case_get(w.other_officer, tip))
end)

each_world(case_world, "cases: intake refuses bad input", function(w, c)
  local function good(change)
    local f = {source = cp.CASE_SOURCE_RESIDENT_COMPLAINT, category = cp.CASE_NEIGHBOUR, description = "邻里纠纷",
               area = w.compound}
    for k, v in pairs(change or {}) do f[k] = v end
    return f
  end
  local big = ("x"):rep(cp.CASE_DESCRIPTION_MAX + 1)
  fails(cp.EMISUSE, c:case_report(w.aux, nil))
  fails(cp.EVERSION, c:case_report(w.aux, good({version = 0})))
  contains(fails(cp.EINVALID, c:case_report(w.aux, good({source = 7}))), "source")
  contains(fails(cp.EINVALID, c:case_report(w.aux, good({category = 9}))), "category")
  fails(cp.EINVALID, c:case_report(w.aux, good({description = ""})))
  contains(fails(cp.ETOOLONG, c:case_report(w.aux, good({description = big}))), "description")
  fails(cp.EUTF8, c:case_report(w.aux, good({description = "bad \xC3\x28 utf-8"})))
  contains(fails(cp.ETOOLONG, c:case_report(w.aux, good({address = big}))), "address")
  contains(fails(cp.EINVALID, c:case_report(w.aux, good({has_location = 1, latitude = 91}))), "latitude")
  contains(fails(cp.EINVALID, c:case_report(w.aux, good({has_location = 1, latitude = 23, longitude = -181}))),
           "longitude")
  fails(cp.EINVALID, c:case_report(w.aux, good({confidential = 2})))
  contains(fails(cp.EINVALID, c:case_report(w.aux, good({reported_at = c:now() + MINUTE}))), "in the future")
  contains(fails(cp.ENOTFOUND, c:case_report(w.aux, good({area = w.id()}))), "area")
  contains(fails(cp.ERULE, c:case_report(w.sys, good({area = w.bureau}))), "police station")
  contains(fails(cp.EPERM, c:case_report(w.operator, good())), "lacks permission case.report")
  contains(fails(cp.EPERM, c:case_report(w.other_officer, good())), "station")
  raises("has no field 'colour'", c.case_report, c, w.aux, good({colour = "red"}))
  raises("number expected", c.case_report, c, w.aux, good({latitude = "north"}))
  eq(count(assert(c:case_iter(w.sys))), 0, "nothing recorded")
  local k = assert(c:case_report(w.aux, good({reported_at = c:now() - DAY})))
  local got <close> = assert(c:case_get(w.aux, k))
  eq(c:now() - got:reported_at() >= DAY, true, "a past report time")
end)

each_world(case_world, "cases: the closed loop is recorded step by step", function(w, c)
  local k = w.report(w.informant, cp.CASE_SOURCE_INFORMANT_TIP, cp.CASE_NEIGHBOUR, "楼上楼下噪音纠纷")
  eq(c:case_verify(w.officer, k, "电话核实"), true, "verify")
  eq(c:case_assess(w.officer, k, cp.RISK_GENERAL, "一般纠纷"), cp.OK, "assess")
  eq(c:case_assess(w.officer, k, cp.RISK_GENERAL), cp.ALREADY, "same grade")
  assert(c:case_assign(w.aux, k, cp.TIER_ON_THE_SPOT, w.head_id, nil, "楼栋长就地劝解"))
  assert(c:case_arrive(w.head, k, w.head_id, 0))
  eq(w.state(k), cp.CASE_HANDLING, "handling")
  assert(c:case_resolve(w.head, k, cp.OUTCOME_MEDIATED, "双方握手言和"))
  assert(c:case_feedback(w.aux, k, "已向信息员反馈"))
  assert(c:case_followup(w.aux, k, 0, 5, 0, "未再发生"))
  assert(c:case_close(w.officer, k, "化解到位"))
  do
    local got <close> = assert(c:case_get(w.officer, k))
    eq(got:state(), cp.CASE_CLOSED, "closed")
    eq(got:outcome(), cp.OUTCOME_MEDIATED, "outcome")
    eq(got:tier(), cp.TIER_ON_THE_SPOT, "tier")
    eq(got:satisfaction(), 5, "satisfaction")
    eq(got:handler(), w.head_id, "handler")
    eq(got:closed_at() > 0, true, "closed at")
  end
  local steps, states, froms = {}, {}, {}
  local events = w.events(k, w.officer)
  for _, e in ipairs(events) do
    steps[#steps + 1] = cp.case_step_name(e.step)
    states[#states + 1] = cp.case_state_name(e.to)
    froms[#froms + 1] = e.from
  end
  eq(table.concat(steps, ","), "report,verify,assess,assign,arrive,resolve,feedback,follow-up,close", "steps")
  eq(table.concat(states, ","), "reported,verified,assessed,assigned,handling,resolved,fed back,followed up,closed",
     "states")
  eq(froms[1] .. "," .. froms[9], "0," .. cp.CASE_FOLLOWED_UP, "from")
  local assign = events[4]
  eq(assign.subject, w.head_id, "assigned to")
  eq(assign.tier, cp.TIER_ON_THE_SPOT, "tier")
  eq(assign.note, "楼栋长就地劝解", "note")
  eq(assign.actor, w.aux_id, "by")
  eq(assign.actor_role, cp.ROLE_AUXILIARY, "as")
  eq(events[8].satisfaction, 5, "visit")
  eq(events[8].recurred, false, "no recurrence")
  eq(count(assert(c:audit_iter(w.sys, {object = k}))), 9, "one audit entry per step")
end)

each_world(case_world, "cases: steps out of order name the state and the allowed steps", function(w, c)
  local k = w.report(w.aux, cp.CASE_SOURCE_GRID_WORKER, cp.CASE_PROPERTY, "物业费纠纷")
  local before = w.snap(k)
  contains(fails(cp.ESTATE, c:case_resolve(w.officer, k, cp.OUTCOME_MEDIATED)),
           'a case that is reported cannot take the step "resolve"; allowed: verify, reject, arrive')
  fails(cp.ESTATE, c:case_assign(w.officer, k, cp.TIER_OFFICER, w.officer_id))
  fails(cp.ESTATE, c:case_close(w.leader, k))
  fails(cp.ESTATE, c:case_followup(w.aux, k, 0, 4, 0))
  fails(cp.ESTATE, c:case_reopen(w.officer, k, "复发"))
  eq(w.snap(k), before, "unchanged")
  w.advance(k, cp.CASE_VERIFIED)
  before = w.snap(k)
  contains(fails(cp.ESTATE, c:case_verify(w.officer, k)),
           'a case that is verified cannot take the step "verify"; allowed: reject, assess, arrive, refer')
  eq(w.snap(k), before, "unchanged after a second verification")
  w.advance(k, cp.CASE_RESOLVED)
  before = w.snap(k)
  contains(fails(cp.ESTATE, c:case_close(w.leader, k)), "allowed: feedback, reopen, spot-check confirm, spot-check reopen")
  fails(cp.ESTATE, c:case_reject(w.officer, k, cp.REJECT_UNFOUNDED, nil, "不实"))
  eq(w.snap(k), before, "unchanged after resolution")
  w.advance(k, cp.CASE_CLOSED)
  contains(fails(cp.ESTATE, c:case_feedback(w.aux, k, "再次反馈")), "a case that is closed")
  assert(c:case_reopen(w.officer, k, "纠纷复发"))
  local got <close> = assert(c:case_get(w.officer, k))
  eq(got:state(), cp.CASE_ASSESSED, "reopened to assessed")
  eq(got:reopen_count(), 1, "reopen count")
  eq(got:handler(), nil, "handler cleared")
  local dup = w.report(w.guard, cp.CASE_SOURCE_PROPERTY_ALERT, cp.CASE_PROPERTY, "物业费纠纷(监控)")
  assert(c:case_reject(w.officer, dup, cp.REJECT_DUPLICATE, k, "同一纠纷"))
  contains(fails(cp.ESTATE, c:case_reopen(w.officer, dup, "x")), "allowed: none (final state)")
end)

each_world(case_world, "cases: tiers follow the risk grade", function(w, c)
  eq(cp.risk_grade_min_tier(cp.RISK_HIGH), cp.TIER_LEADERSHIP, "high")
  eq(cp.risk_grade_min_tier(cp.RISK_GENERAL), cp.TIER_ON_THE_SPOT, "general")
  local k = w.report(w.grid, cp.CASE_SOURCE_GRID_WORKER, cp.CASE_FAMILY, "婚姻纠纷多次涉警")
  w.advance(k, cp.CASE_VERIFIED)
  fails(cp.EINVALID, c:case_assess(w.officer, k, 4))
  assert(c:case_assess(w.officer, k, cp.RISK_HIGH, "重点高危"))
  local before = w.snap(k)
  contains(fails(cp.ERULE, c:case_assign(w.officer, k, cp.TIER_OFFICER, w.officer_id)),
           "a case of risk grade high needs at least the station leadership tier; community officer is below it")
  contains(fails(cp.ERULE, c:case_assign(w.officer, k, cp.TIER_LEADERSHIP, w.officer_id)), "station leader")
  contains(fails(cp.EPERM, c:case_assign(w.guard, k, cp.TIER_LEADERSHIP, w.leader_id)), "case.triage")
  eq(w.snap(k), before, "unchanged")
  assert(c:case_assign(w.officer, k, cp.TIER_LEADERSHIP, w.leader_id, nil, "所领导牵头"))
  contains(fails(cp.EPERM, c:case_deescalate(w.aux, k, cp.TIER_OFFICER, w.officer_id, nil, "降级")),
           "lacks permission case.deescalate")
  contains(fails(cp.ERULE, c:case_deescalate(w.officer, k, cp.TIER_OFFICER, w.officer_id, nil, "降级")),
           "risk grade high needs at least the station leadership tier")
  contains(fails(cp.ERULE, c:case_escalate(w.officer, k, cp.TIER_LEADERSHIP, w.leader_id, nil, "升级")),
           "escalation raises the tier")
  assert(c:case_assess(w.officer, k, cp.RISK_GENERAL, "风险降低"))
  assert(c:case_deescalate(w.leader, k, cp.TIER_TEAM, w.aux_id, w.team, "辅警联合物业上门调解"))
  contains(fails(cp.ERULE, c:case_assign(w.officer, k, cp.TIER_TEAM, w.grid_id, w.team)), "is not a member of 玉龙义警")
  contains(fails(cp.ERULE, c:case_assign(w.officer, k, cp.TIER_TEAM, w.guard_id, w.other_team)), "another station")
  local got <close> = assert(c:case_get(w.officer, k))
  eq(got:tier(), cp.TIER_TEAM, "team tier")
  eq(got:team(), w.team, "team")
  eq(cp.case_tier_name(got:tier()), "team", "tier name")
end)

each_world(case_world, "cases: closing needs a follow-up visit and someone else", function(w, c)
  local k = w.report(w.aux, cp.CASE_SOURCE_RESIDENT_COMPLAINT, cp.CASE_NEIGHBOUR, "装修噪音")
  w.advance(k, cp.CASE_FED_BACK)
  contains(fails(cp.ERULE, c:case_close(w.leader, k)), "only after a follow-up visit (回访)")
  contains(fails(cp.EINVALID, c:case_followup(w.aux, k, 0, 0, 0)), "satisfaction 0 is outside 1..5")
  fails(cp.EPERM, c:case_followup(w.guard, k, 0, 4, 0))
  assert(c:case_followup(w.aux, k, 0, 2, true, "又吵起来了")) -- booleans are accepted for flags
  contains(fails(cp.ERULE, c:case_close(w.leader, k)), "recurred")
  contains(fails(cp.EPERM, c:case_close(w.aux, k)), "case.close")
  assert(c:case_reopen(w.officer, k, "回访发现复发"))
  w.advance(k, cp.CASE_FOLLOWED_UP)
  contains(fails(cp.ERULE, c:case_close(w.officer, k)), "nobody closes a case they handled")
  assert(c:case_close(w.leader, k, "复发后化解"))
  eq(w.state(k), cp.CASE_CLOSED, "closed")
end)

each_world(case_world, "cases: metrics of a small station", function(w, c)
  -- no injected clock here: reports are back-dated an hour and arrivals given
  -- explicit times, so the arrival times are exact and everything else is
  -- within its deadline
  local t = c:now() - HOUR
  local function new_case(category, address)
    return assert(c:case_report(w.aux, {source = cp.CASE_SOURCE_RESIDENT_COMPLAINT, category = category,
                                        description = "手算指标", address = address, reporter_name = "居民",
                                        area = w.compound, reported_at = t}))
  end
  local function start(k, tier, handler, arriver, arriving, after)
    assert(c:case_verify(w.officer, k))
    assert(c:case_assess(w.officer, k, cp.RISK_GENERAL))
    assert(c:case_assign(w.aux, k, tier, handler, tier == cp.TIER_TEAM and w.team or nil))
    assert(c:case_arrive(arriver, k, arriving, t + after * MINUTE))
  end
  local function finish(k, resolver, outcome, satisfaction, closer)
    assert(c:case_resolve(resolver, k, outcome))
    assert(c:case_feedback(w.aux, k, "已反馈"))
    if satisfaction then
      assert(c:case_followup(w.aux, k, 0, satisfaction, 0))
      if closer then assert(c:case_close(closer, k)) end
    end
  end
  local k0 = new_case(cp.CASE_NEIGHBOUR, "地址0")
  start(k0, cp.TIER_ON_THE_SPOT, w.head_id, w.head, w.head_id, 2)
  finish(k0, w.head, cp.OUTCOME_MEDIATED, 5, w.officer)
  local k1 = new_case(cp.CASE_FAMILY, "地址1")
  start(k1, cp.TIER_OFFICER, w.officer_id, w.officer, w.officer_id, 3)
  finish(k1, w.officer, cp.OUTCOME_MEDIATED, 4, w.leader)
  local k2 = new_case(cp.CASE_HAZARD, "地址2")
  start(k2, cp.TIER_TEAM, w.guard_id, w.guard, w.guard_id, 5)
  finish(k2, w.guard, cp.OUTCOME_RECTIFIED, 3, nil)
  local k3 = new_case(cp.CASE_PROPERTY, "地址3")
  start(k3, cp.TIER_OFFICER, w.officer_id, w.officer, w.officer_id, 7)
  finish(k3, w.officer, cp.OUTCOME_UNRESOLVED, 2, nil)
  local k4 = new_case(cp.CASE_NEIGHBOUR, "地址4") -- still in hand
  start(k4, cp.TIER_OFFICER, w.officer_id, w.officer, w.officer_id, 11)
  local k5 = new_case(cp.CASE_NEIGHBOUR, "地址4") -- the same call again: a duplicate
  assert(c:case_reject(w.officer, k5, cp.REJECT_DUPLICATE, k4, "重复报警"))

  local m <close> = assert(c:case_metrics_compute(w.leader, {area = w.station}))
  local want = {RECEIVED = 5 + 1, SCREENED = 5, REJECTED = 1, DUPLICATES = 1, RESOLVED = 3, UNRESOLVED = 1,
                ON_THE_SPOT = 1, CLOSED = 2, FOLLOWED_UP = 4, SATISFIED = 2, SATISFACTION_SUM = 14, REFERRALS = 0,
                REPEAT_CALLS = 1, OVERDUE_ARRIVAL = 0, OVERDUE_RESOLUTION = 0}
  for name, n in pairs(want) do eq(m:count(cp["METRIC_" .. name]), n, name) end
  eq(m:rate(cp.RATE_CLOSURE), 2 / 6, "closure rate")
  eq(m:rate(cp.RATE_RESOLUTION), 3 / 5, "resolution rate")
  eq(m:rate(cp.RATE_SATISFACTION), 0.5, "satisfaction rate")
  eq(m:rate(cp.RATE_MEAN_SATISFACTION), 3.5, "mean satisfaction")
  eq(m:rate(99), 0.0, "unknown rate")
  -- arrival 2 3 5 7 11 min: median the 3rd, p90 the 5th (ceil 4.5)
  local n, median, p90 = m:response(cp.STAGE_ARRIVAL)
  eq(n .. "/" .. median .. "/" .. p90, "5/" .. 5 * MINUTE .. "/" .. 11 * MINUTE, "arrival times")
  fails(cp.EINVALID, m:response(6))
  do
    local per <close> = assert(c:case_metrics_compute(w.leader, {area = w.community, category = cp.CASE_NEIGHBOUR}))
    eq(per:count(cp.METRIC_RECEIVED), 3, "per community and category")
  end
  fails(cp.EMISUSE, c:case_metrics_compute(w.leader, {}))
  fails(cp.EINVALID, c:case_metrics_compute(w.leader, {area = w.station, category = 9}))
  fails(cp.ENOTFOUND, c:case_metrics_compute(w.leader, {area = w.station, team = w.id()}))
  fails(cp.EPERM, c:case_metrics_compute(w.guard, {area = w.station}))
  fails(cp.EPERM, c:case_metrics_compute(w.other_officer, {area = w.station}))
  fails(cp.EVERSION, c:case_metrics_compute(w.leader, {area = w.station, version = 3}))
end)

each_world(case_world, "cases: repeat analysis", function(w, c)
  local t = c:now() - 20 * DAY
  local last
  for i = 0, 4 do
    last = assert(c:case_report(w.aux, {source = cp.CASE_SOURCE_DISPATCH_110, category = cp.CASE_FAMILY,
                                        description = "婚姻家庭纠纷报警", address = "世纪紫薇园5栋",
                                        area = w.compound, reporter = w.resident, reported_at = t + i * 3 * DAY}))
  end
  for i = 0, 2 do
    assert(c:case_report(w.aux, {source = cp.CASE_SOURCE_DISPATCH_110, category = cp.CASE_NEIGHBOUR,
                                 description = "对门业主因八卦镜吵架", address = "泰和祥府3栋", area = w.compound,
                                 reporter_name = "群众", reported_at = t + i * DAY + 2 * HOUR}))
  end
  local function groups(q)
    q.area = w.station
    local list = {}
    for g in assert(c:case_repeat_iter(w.officer, q)) do list[#list + 1] = g end
    return list
  end
  local g = groups({kind = cp.REPEAT_PERSON, threshold = 3})
  eq(#g, 1, "one person many times")
  eq(g[1].person, w.resident, "the caller")
  eq(g[1].count, 5, "five calls")
  eq(g[1].newest, last, "newest")
  g = groups({kind = cp.REPEAT_ADDRESS, threshold = 3})
  eq(#g, 2, "one place many incidents")
  eq(g[1].address .. "=" .. g[1].count .. ";" .. g[2].address .. "=" .. g[2].count, "世纪紫薇园5栋=5;泰和祥府3栋=3", "top")
  eq(g[1].first_at, t, "first at")
  eq(g[1].raised, false, "nothing raised")
  w.advance(last, cp.CASE_ASSESSED)
  assert(c:case_assign(w.aux, last, cp.TIER_ON_THE_SPOT, w.head_id))
  g = groups({kind = cp.REPEAT_PERSON, threshold = 3, raise_grade = 1})
  eq(g[1].raised, true, "raised")
  local k <close> = assert(c:case_get(w.officer, last))
  eq(k:risk_grade(), cp.RISK_ATTENTION, "raised to attention")
  eq(k:state(), cp.CASE_ASSESSED, "back to assessment")
  local events = w.events(last)
  contains(events[#events].note, "repeat: 一人多次", "note")
  fails(cp.EINVALID, c:case_repeat_iter(w.officer, {kind = cp.REPEAT_PERSON, area = w.station, threshold = 1}))
  contains(fails(cp.EPERM, c:case_repeat_iter(w.analyst, {kind = cp.REPEAT_AREA, area = w.station, raise_grade = 1})),
           "case.triage")
end)

each_world(case_world, "cases: Open311 export", function(w, c)
  local open_case = w.report(w.informant, cp.CASE_SOURCE_INFORMANT_TIP, cp.CASE_NEIGHBOUR, '邻里"噪音"纠纷\n')
  w.advance(open_case, cp.CASE_ASSIGNED)
  local closed_case = w.report(w.aux, cp.CASE_SOURCE_RESIDENT_COMPLAINT, cp.CASE_HAZARD, "电梯故障")
  w.advance(closed_case, cp.CASE_CLOSED)
  local referred = w.report(w.grid, cp.CASE_SOURCE_GRID_WORKER, cp.CASE_NON_POLICE, "占道施工")
  w.advance(referred, cp.CASE_VERIFIED)
  assert(c:case_refer(w.officer, referred, "城管", c:now() + DAY))
  local json = assert(c:case_open311_export(w.analyst))
  eq(json:sub(1, 1), "[", "a JSON array")
  for _, part in ipairs({'"service_request_id":"' .. open_case .. '"',
                         '"status":"open","status_notes":"assigned, tier community officer"',
                         '"service_code":"neighbour"', '"service_name":"neighbour dispute"',
                         '"description":"邻里\\"噪音\\"纠纷\\n"', '"lat":23.886000,"long":100.092000',
                         '"agency_responsible":"忙畔派出所"',
                         '"status":"closed","status_notes":"closed: mediated agreement, tier community officer"',
                         '"service_code":"hazard"', '"status_notes":"referred to 城管"',
                         '"agency_responsible":"城管"', '"address":"玉龙小区3栋"'}) do
    contains(json, part, "Open311 JSON")
  end
  eq(json:find("信息员王", 1, true), nil, "never the reporter")
  eq(json:find("reporter", 1, true), nil, "no reporter field")
  -- the caller-buffer variant grows past its first 1024 bytes
  local written, needed = assert(c:case_open311_write(w.analyst))
  eq(#json > 1024, true, "longer than the first buffer")
  eq(written, json, "same JSON")
  eq(needed, #json + 1, "size needed")
  local closed_only = assert(c:case_open311_export(w.officer, {state = cp.CASE_CLOSED}))
  eq(closed_only:find('"status":"open"', 1, true), nil, "closed only")
  eq(c:case_open311_export(w.officer, {state = cp.CASE_CLOSED, category = cp.CASE_FAMILY}), "[]\n", "empty")
  fails(cp.EVERSION, c:case_open311_export(w.officer, {version = 9}))
  fails(cp.EPERM, c:case_open311_export(w.guard))
end)

test("cases: names of the enums", function()
  eq(cp.case_state_name(cp.CASE_FED_BACK), "fed back", "state")
  eq(cp.case_state_name(12), "unknown", "unknown state")
  eq(cp.case_source_name(cp.CASE_SOURCE_INFORMANT_TIP), "informant tip", "source")
  eq(cp.case_category_code(cp.CASE_THEFT_FRAUD), "theft-fraud", "code")
  eq(cp.risk_grade_name(cp.RISK_ATTENTION), "attention", "grade")
  eq(cp.case_stage_name(cp.STAGE_ARRIVAL), "arrival", "stage")
  eq(cp.case_deadline_default(cp.RISK_GENERAL, cp.STAGE_RESOLUTION), 7 * DAY, "deadline")
end)

-- ---- errors --------------------------------------------------------------------------------

test("runtime failures return nil, message, code", function()
  local ctx <close> = assert(open_ctx("memory:"))
  local sys <close> = assert(ctx:actor_system())
  cp.error_clear()
  eq(cp.error_code(), cp.OK, "cleared")
  eq(cp.error_message(), "no error", "cleared message")
  local r, msg, code = ctx:setting_get(sys, "absent.key")
  eq(r, nil, "nil")
  eq(code, cp.ENOTFOUND, "code")
  contains(msg, "absent.key", "message")
  eq(cp.error_code(), cp.ENOTFOUND, "error_code")
  -- every negative status has its constant and name
  local n = 0
  for k, v in pairs(cp) do
    if math.type(v) == "integer" and k:match("^E") and v < 0 then
      eq(cp.status_name(v), "CPOL_" .. k, "status name of " .. k)
      n = n + 1
    end
  end
  eq(n >= 20, true, "status codes")
end)

test("argument errors are raised", function()
  local ctx <close> = assert(open_ctx("memory:"))
  local sys <close> = assert(ctx:actor_system())
  raises("commpolice.ctx expected", ctx.backend)
  raises("commpolice.actor expected, got string", ctx.area_create, ctx, "not an actor")
  raises("bad argument #4", ctx.area_create, ctx, sys, nil, "x", "name")
  raises("integer out of range", ctx.area_create, ctx, sys, nil, 2 ^ 40 // 1, "name")
  raises("bad argument #3", ctx.area_create, ctx, sys, "not-an-id", 1, "x")
  eq(select("#", ctx:area_create(sys, nil, cp.AREA_BUREAU, "分局")), 1, "one result")
end)

-- ---- lifetimes -------------------------------------------------------------------------------

local function fill(ctx)
  local sys = assert(ctx:actor_system())
  local root = assert(ctx:area_create(sys, nil, cp.AREA_BUREAU, "分局"))
  for i = 0, 4 do assert(ctx:area_create(sys, root, cp.AREA_STATION, "派出所" .. i)) end
  for i = 0, 4 do assert(ctx:setting_set(sys, "k." .. i, tostring(i))) end
  return sys, root
end

test("close in any order", function()
  local orders = {{"ctx", "it", "actor", "area"}, {"it", "ctx", "area", "actor"},
                  {"area", "actor", "ctx", "it"}, {"actor", "area", "it", "ctx"}}
  for _, order in ipairs(orders) do
    local ctx = assert(open_ctx("memory:"))
    local sys, root = fill(ctx)
    local objs = {ctx = ctx, actor = sys, area = assert(ctx:area_get(sys, root)),
                  it = assert(ctx:area_iter(sys, root, cp.AREA_WALK_CHILDREN))}
    assert(objs.it:next())
    for _, name in ipairs(order) do
      eq(objs[name]:close(), true, "close " .. name)
      eq(objs[name]:close(), true, "second close " .. name)
    end
    for name, obj in pairs(objs) do contains(tostring(obj), "(closed)", name) end
  end
end)

test("iterators outlive their context", function()
  local path = tmpdb()
  for _, uri in ipairs({"memory:", "sqlite:" .. path}) do
    local ctx = assert(open_ctx(uri))
    local sys, root = fill(ctx)
    local it = assert(ctx:area_iter(sys, root, cp.AREA_WALK_CHILDREN))
    local settings = assert(ctx:setting_iter(sys, "k."))
    local names = {assert(it:next()).name}
    assert(ctx:close())
    for a in it do names[#names + 1] = a.name end
    eq(table.concat(names, ","), "派出所0,派出所1,派出所2,派出所3,派出所4", "walk after close")
    eq(count(settings), 5, "settings after close")
    eq(it:next(), nil, "exhausted")
    it:close(); settings:close(); sys:close()
  end
  rmdb(path)
end)

test("using a closed object raises an argument error", function()
  local ctx = assert(open_ctx("memory:"))
  local sys, root = fill(ctx)
  local area = assert(ctx:area_get(sys, root))
  assert(ctx:close())
  raises("attempt to use closed commpolice.ctx", ctx.setting_get, ctx, sys, "k.1")
  raises("attempt to use closed commpolice.ctx", function() return ctx:backend() end)
  area:close()
  raises("attempt to use closed commpolice.area", area.name, area)
  sys:close()
  raises("attempt to use closed commpolice.actor", sys.role, sys)
  local c2 <close> = assert(open_ctx("memory:"))
  raises("attempt to use closed commpolice.actor", c2.area_create, c2, sys, nil, cp.AREA_BUREAU, "x")
end)

test("generic for closes its iterator, <close> closes objects", function()
  local ctx <close> = assert(open_ctx("memory:"))
  local sys <close> = fill(ctx)
  local it = assert(ctx:setting_iter(sys, "k."))
  for _ in it, nil, nil, it do break end
  contains(tostring(it), "(closed)", "closed by the for loop")
  local kept
  do
    local a <close> = assert(ctx:actor_system())
    kept = a
  end
  contains(tostring(kept), "(closed)", "closed by <close>")
  -- a failing constructor inside for: assert gives the message
  local ok, err = pcall(function() for _ in assert(ctx:setting_iter(sys, "BAD PREFIX")) do end end)
  eq(ok, false, "assert raised")
  contains(err, "BAD PREFIX", "message")
end)

test("iterators are callable (the generic-for protocol) and have next()", function()
  local ctx <close> = assert(open_ctx("memory:"))
  local sys <close> = fill(ctx)
  local it <close> = assert(ctx:setting_iter(sys, "k."))
  local k, v = it()
  eq(k, "k.0", "key")
  eq(v, "0", "value")
  k, v = it:next()
  eq(k .. "=" .. v, "k.1=1", "next()")
  eq(next(it:outputs()), nil, "no extra outputs")
  raises("commpolice.setting_iter expected", it.next, ctx)
end)

test("children keep their parent alive; garbage collection without crashes", function()
  for round = 1, 30 do
    local ctx = assert(open_ctx("memory:"))
    local sys, root = fill(ctx)
    local junk = {}
    for _ = 1, 5 do junk[#junk + 1] = assert(ctx:area_iter(sys, root, cp.AREA_WALK_CHILDREN)) end
    for _ = 1, 5 do junk[#junk + 1] = assert(ctx:area_get(sys, root)) end
    for _ = 1, 3 do junk[#junk + 1] = assert(ctx:setting_iter(sys, "k.")) end
    for _ = 1, 3 do junk[#junk + 1] = assert(ctx:actor_system()) end
    assert(junk[1]:next())
    local it = junk[2]
    if round % 2 == 0 then assert(ctx:close()) end
    ctx, sys, junk = nil, nil, nil
    collectgarbage("collect")
    -- the iterator's context is still alive (its user value), or closed on purpose
    local row = it:next()
    eq(row.name, "派出所0", "iterator still usable after its context was dropped")
    it = nil
    collectgarbage("collect")
    collectgarbage("collect")
  end
end)

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
