-- Tests of the commpolice Lua module (CTest: bindings.lua), plain lua5.4.
--
--   LUA_CPATH='BUILD/bindings/lua/?.so' lua5.4 tests/bindings/test_lua.lua
--
-- The people scenarios mirror tests/public/check_people.c on both backends
-- (memory: and sqlite:); then error mapping (nil, message, code), argument
-- errors, iteration with generic for, and object lifetimes (close in any
-- order, iterators outliving their context, garbage collection).
-- Ends with the line "N passed, N failed".

local cp = require "commpolice"

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
    st.ctx = assert(cp.open("sqlite:" .. st.path))
  else
    st.ctx = assert(cp.open("memory:"))
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
  local ctx <close> = assert(cp.open("memory:"))
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
    local ctx <close> = assert(cp.open(uri))
    eq(ctx:backend(), uri:match("^(%a+):"), "backend")
    eq(ctx:schema_version(), cp.schema_version_current(), "schema version")
    eq(math.type(ctx:now()), "integer", "now")
    eq(ctx:setting_set("station.name", "白沙派出所"), true, "set")
    assert(ctx:setting_set("station.code", "530902"))
    assert(ctx:setting_set("kiosk.location", "服务站一楼"))
    eq(ctx:setting_get("station.name"), "白沙派出所", "get")
    local seen = {}
    for k, v in ctx:setting_iter("station.") do seen[#seen + 1] = k .. "=" .. v end
    eq(table.concat(seen, ";"), "station.code=530902;station.name=白沙派出所", "iter prefix")
    eq(count(ctx:setting_iter()), 3, "iter all (nil prefix)")
    assert(ctx:setting_delete("station.code"))
    contains(fails(cp.ENOTFOUND, ctx:setting_get("station.code")), "station.code")
    fails(cp.ENOTFOUND, ctx:setting_delete("station.code"))
    fails(cp.EINVALID, ctx:setting_set("Bad Key", "x"))
    fails(cp.ETOOLONG, ctx:setting_set("k", ("x"):rep(cp.SETTING_VALUE_MAX + 1)))
    fails(cp.EUTF8, ctx:setting_set("k", "\xC3"))
    fails(cp.EINVALID, ctx:setting_iter("BAD PREFIX"))
    raises("NUL", ctx.setting_set, ctx, "k", "a\0b")
    raises("bad argument #2", ctx.setting_set, ctx, {})
    raises("bad argument #1 to 'setting_set'", function() return ctx:setting_set({}) end)
  end
  do
    local ro <close> = assert(cp.open("sqlite:" .. path, {flags = cp.OPEN_READONLY}))
    eq(ro:setting_get("station.name"), "白沙派出所", "persisted")
    fails(cp.EREADONLY, ro:setting_set("station.name", "x"))
  end
  fails(cp.ENOTFOUND, cp.open("sqlite:" .. path .. ".missing", {flags = cp.OPEN_NOCREATE}))
  fails(cp.ESCHEME, cp.open("nosuchbackend:x"))
  fails(cp.EVERSION, cp.open("memory:", {version = 99}))
  raises("has no field 'bogus'", cp.open, "memory:", {bogus = 1})
  raises("cannot be set from Lua", cp.open, "memory:", {clock = function() return 0 end})
  raises("integer expected", cp.open, "memory:", {flags = "x"})
  local opts = assert(cp.open_options_init(cp.OPEN_OPTIONS_VERSION))
  eq(opts.version, cp.OPEN_OPTIONS_VERSION, "open_options_init")
  eq(opts.busy_timeout_ms, 0, "open_options_init default")
  fails(cp.EVERSION, cp.open_options_init(0))
  rmdb(path)
end)

test("batches", function()
  local ctx <close> = assert(cp.open("memory:"))
  eq(ctx:batch_active(), false, "inactive")
  assert(ctx:batch_begin())
  eq(ctx:batch_active(), true, "active")
  fails(cp.EMISUSE, ctx:batch_begin())
  assert(ctx:setting_set("a", "1"))
  assert(ctx:batch_rollback())
  fails(cp.ENOTFOUND, ctx:setting_get("a"))
  assert(ctx:batch_begin())
  assert(ctx:setting_set("a", "2"))
  assert(ctx:batch_commit())
  eq(ctx:setting_get("a"), "2", "committed")
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
    local got <close> = assert(c:area_get(b2))
    eq(got:name(), "1栋", "name")
    eq(got:kind(), cp.AREA_BUILDING, "kind")
    eq(got:depth(), 5, "depth")
    eq(got:station(), st.station, "station")
    eq(got:parent(), st.compound, "parent")
    eq(got:row().id, b2, "row id")
    contains(tostring(got), "commpolice.area: ", "tostring")
  end
  local names = {}
  for a in c:area_iter(b2, cp.AREA_WALK_ANCESTORS) do names[#names + 1] = a.name end
  eq(table.concat(names, "<"), "玉龙小区<第一网格<玉龙社区<忙畔派出所<临翔分局", "ancestors")
  names = {}
  for a in c:area_iter(st.station, cp.AREA_WALK_DESCENDANTS) do names[#names + 1] = a.name end
  eq(table.concat(names, ";"), "玉龙社区;第一网格;玉龙小区;1栋;锦凤小区", "descendants")
  names = {}
  for a in c:area_iter(st.bureau, cp.AREA_WALK_CHILDREN) do names[#names + 1] = a.name end
  eq(table.concat(names, ";"), "忙畔派出所;凤翔派出所", "children")
  fails(cp.EINVALID, c:area_iter(st.bureau, 9))
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
  contains(fails(cp.EEXISTS, c:person_register(s, f)), "530902********")
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
    eq(p:id_card():sub(1, 14), "530902********", "masked number")
    eq(p:phone(), "139****5678", "masked phone")
  end
  local n = 0
  for row in assert(c:person_iter(analyst)) do
    eq(row.masked, true, "row masked")
    contains(row.id_card, "********", "row id card")
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
    local asg <close> = assert(c:assignment_get(a))
    eq(asg:status(), cp.ASSIGNMENT_RETIRED, "retired")
    eq(cp.assignment_status_name(asg:status()), "retired", "status name")
  end
  eq(c:person_note_count(v, cp.NOTE_DISCIPLINE), 1, "notes")
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
  contains(fails(cp.EPERM, c:person_get(foreign, p)), "station")
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
    local t <close> = assert(c:team_get(team))
    eq(t:officer(), other:person(), "new officer")
    officer:close(); other:close()
  end)
end

-- ---- errors --------------------------------------------------------------------------------

test("runtime failures return nil, message, code", function()
  local ctx <close> = assert(cp.open("memory:"))
  cp.error_clear()
  eq(cp.error_code(), cp.OK, "cleared")
  eq(cp.error_message(), "no error", "cleared message")
  local r, msg, code = ctx:setting_get("absent.key")
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
  local ctx <close> = assert(cp.open("memory:"))
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
  for i = 0, 4 do assert(ctx:setting_set("k." .. i, tostring(i))) end
  return sys, root
end

test("close in any order", function()
  local orders = {{"ctx", "it", "actor", "area"}, {"it", "ctx", "area", "actor"},
                  {"area", "actor", "ctx", "it"}, {"actor", "area", "it", "ctx"}}
  for _, order in ipairs(orders) do
    local ctx = assert(cp.open("memory:"))
    local sys, root = fill(ctx)
    local objs = {ctx = ctx, actor = sys, area = assert(ctx:area_get(root)),
                  it = assert(ctx:area_iter(root, cp.AREA_WALK_CHILDREN))}
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
    local ctx = assert(cp.open(uri))
    local sys, root = fill(ctx)
    local it = assert(ctx:area_iter(root, cp.AREA_WALK_CHILDREN))
    local settings = assert(ctx:setting_iter("k."))
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
  local ctx = assert(cp.open("memory:"))
  local sys, root = fill(ctx)
  local area = assert(ctx:area_get(root))
  assert(ctx:close())
  raises("attempt to use closed commpolice.ctx", ctx.setting_get, ctx, "k.1")
  raises("attempt to use closed commpolice.ctx", function() return ctx:backend() end)
  area:close()
  raises("attempt to use closed commpolice.area", area.name, area)
  sys:close()
  raises("attempt to use closed commpolice.actor", sys.role, sys)
  local c2 <close> = assert(cp.open("memory:"))
  raises("attempt to use closed commpolice.actor", c2.area_create, c2, sys, nil, cp.AREA_BUREAU, "x")
end)

test("generic for closes its iterator, <close> closes objects", function()
  local ctx <close> = assert(cp.open("memory:"))
  fill(ctx)
  local it = assert(ctx:setting_iter("k."))
  for _ in it, nil, nil, it do break end
  contains(tostring(it), "(closed)", "closed by the for loop")
  local kept
  do
    local a <close> = assert(ctx:actor_system())
    kept = a
  end
  contains(tostring(kept), "(closed)", "closed by <close>")
  -- a failing constructor inside for: assert gives the message
  local ok, err = pcall(function() for _ in assert(ctx:setting_iter("BAD PREFIX")) do end end)
  eq(ok, false, "assert raised")
  contains(err, "BAD PREFIX", "message")
end)

test("iterators are callable (the generic-for protocol) and have next()", function()
  local ctx <close> = assert(cp.open("memory:"))
  fill(ctx)
  local it <close> = assert(ctx:setting_iter("k."))
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
    local ctx = assert(cp.open("memory:"))
    local sys, root = fill(ctx)
    local junk = {}
    for _ = 1, 5 do junk[#junk + 1] = assert(ctx:area_iter(root, cp.AREA_WALK_CHILDREN)) end
    for _ = 1, 5 do junk[#junk + 1] = assert(ctx:area_get(root)) end
    for _ = 1, 3 do junk[#junk + 1] = assert(ctx:setting_iter("k.")) end
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
