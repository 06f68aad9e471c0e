-- kiosk.lua: the points kiosk of a community police service station
-- (警务服务站积分兑换终端), working offline on a SQLite file.
--
--   lua5.4 examples/kiosk.lua --demo
--   lua5.4 examples/kiosk.lua --db station.db --operator PERSON_ID --card 530902198503120021 \
--          [--item 洗衣粉] [--quantity 1] [--request REQUEST_ID]
--
-- (LUA_CPATH must find commpolice.so: the build tree's bindings/lua/, or
-- <prefix>/lib/lua/5.4 after cmake --install.)
--
-- The kiosk acts as its operator (服务站操作员, the operator role). For each
-- scanned ID-card number it
--
-- 1. finds the person file with cpol_person_find_by_id_card() and shows it
--    *masked* (an operator lacks person.sensitive, so the library masks the
--    ID-card and phone numbers itself), with the volunteer roles;
-- 2. shows the points balance and what is available (balance minus holds);
-- 3. with --item, redeems that item from the station's catalogue
--    (cpol_shop_redeem) and prints the receipt.
--
-- Surviving a retried request: the kiosk chooses the request id itself
-- (cpol_id_new(), or --request) and writes it to its journal (the setting
-- "kiosk.pending" in the same SQLite file) *before* sending the request. If
-- the kiosk crashes or loses the reply, it finds the journal entry when it
-- starts again and sends the same request with the same id: the library
-- answers CPOL_ALREADY with the original amount (the binding returns the
-- status first: `local status, amount = ctx:shop_redeem(...)`) and charges
-- nothing again. The receipt id is the request id.
--
-- The journal is the kiosk installation's own bookkeeping: it is written as
-- the installation itself (the system actor, which holds settings.manage),
-- not as the operator.
--
-- An unknown or malformed card, or a balance that does not cover the item,
-- is a normal outcome: the call returns nil, message, code and the kiosk
-- says so.
--
-- Personal data are encrypted at rest: the SQLite file is opened with the
-- station's master key (see DEMO_KEY below).
--
-- --demo builds a small station in a temporary SQLite file (or in --db): an
-- operator, an officer, a volunteer who earned 50 points for a case lead the
-- officer verified, and a catalogue. It scans three cards (the volunteer's, an unknown
-- one and a mistyped one), redeems a packet of washing powder for 30 points,
-- *loses the reply* (the kiosk "crashes" before printing), restarts on the
-- same file, re-sends the journalled request, gets CPOL_ALREADY, prints the
-- receipt, and checks that the volunteer was charged exactly once.

local cp = require "commpolice"

-- The master key that encrypts names, ID-card and phone numbers in the file.
-- A real deployment fetches it from its key service (a key-management
-- service, a hardware security module) when the kiosk starts and keeps it
-- out of the file system; this fixed demo key must never protect real data.
local DEMO_KEY_ID = "kiosk-demo-key-1"
local DEMO_KEY = ("kiosk demo key, never for real!!"):sub(1, cp.KEY_LEN)
assert(#DEMO_KEY == cp.KEY_LEN)

local function open_store(uri)
  -- key_id names the key a new file is encrypted with; an existing file names its own
  return cp.open(uri, {key = DEMO_KEY, key_id = DEMO_KEY_ID})
end

local function usage(msg)
  io.stderr:write("kiosk: " .. msg .. "\n" ..
    "usage: lua5.4 kiosk.lua [--demo] [--db PATH] [--operator PERSON_ID] [--card NUMBER]...\n" ..
    "                        [--item NAME] [--quantity N] [--request REQUEST_ID]\n")
  os.exit(2)
end

local args = {cards = {}, quantity = 1}
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--demo" then args.demo = true
    elseif a == "--db" then i = i + 1; args.db = arg[i]
    elseif a == "--operator" then i = i + 1; args.operator = arg[i]
    elseif a == "--card" then i = i + 1; args.cards[#args.cards + 1] = arg[i]
    elseif a == "--item" then i = i + 1; args.item = arg[i]
    elseif a == "--quantity" then i = i + 1; args.quantity = math.tointeger(tonumber(arg[i] or ""))
    elseif a == "--request" then i = i + 1; args.request = arg[i]
    else usage("unknown argument " .. tostring(a)) end
    i = i + 1
  end
end
if not args.demo and not args.db then usage("give --db, --demo or both") end
if not args.quantity or args.quantity < 1 then usage("--quantity must be a whole number of 1 or more") end

local function fail(msg)
  io.stderr:write("kiosk: " .. msg .. "\n")
  os.exit(1)
end

local function id_card(first17)
  local w = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
  local sum = 0
  for i = 1, 17 do sum = sum + (first17:byte(i) - 48) * w[i] end
  local k = sum % 11 + 1
  return first17 .. ("10X98765432"):sub(k, k)
end

-- China time for a library time (milliseconds since the epoch, UTC).
local function china_time(ms)
  return os.date("!%Y-%m-%d %H:%M:%S", ms // 1000 + 8 * 3600) .. " (UTC+8)"
end

-- ---- the demo station ------------------------------------------------------------------

-- Returns the operator's person id, the cards to scan and the item to redeem.
local function build_demo(ctx)
  local sys <close> = assert(ctx:actor_system())
  local bureau = assert(ctx:area_create(sys, nil, cp.AREA_BUREAU, "临翔分局"))
  local station = assert(ctx:area_create(sys, bureau, cp.AREA_STATION, "忙畔派出所"))
  local community = assert(ctx:area_create(sys, station, cp.AREA_COMMUNITY, "玉龙社区"))
  local compound = assert(ctx:area_create(sys, community, cp.AREA_COMPOUND, "玉龙小区"))
  local function person(name, first17, home)
    return assert(ctx:person_register(sys, {name = name, id_card = id_card(first17), home_area = home,
                                            phone = "13812345678", skills = "急救, 驾驶"}))
  end
  local operator = person("服务站小刘", "53090219900101002", community)
  assert(ctx:role_appoint(sys, operator, cp.ROLE_OPERATOR, station, "服务站值守"))
  local officer_id = person("张警官", "53090219800101001", community)
  assert(ctx:role_appoint(sys, officer_id, cp.ROLE_OFFICER, station, "任命"))
  local officer <close> = assert(ctx:actor_open(officer_id, cp.ROLE_OFFICER))
  local v = person("赵义警", "53090219950101003", compound)
  local a = assert(ctx:volunteer_apply(officer, v, cp.ROLE_VOLUNTEER, community, "自愿报名"))
  for _, to in ipairs({cp.ASSIGNMENT_UNDER_REVIEW, cp.ASSIGNMENT_ADMITTED, cp.ASSIGNMENT_ACTIVE}) do
    assert(ctx:assignment_step(officer, a, to, "审核通过"))
  end
  -- the volunteer's case lead, once the officer verifies it, earns 50 points by the station's rule
  assert(ctx:earning_rule_set(officer, station, cp.EARN_CASE_LEAD, 50, 0, 0))
  do
    local vol <close> = assert(ctx:actor_open(v, cp.ROLE_VOLUNTEER))
    local lead = assert(ctx:case_report(vol, {source = cp.CASE_SOURCE_VOLUNTEER_PATROL,
                                              category = cp.CASE_PUBLIC_ORDER, area = compound,
                                              address = "玉龙小区3栋", description = "巡逻发现楼道有人反复试门"}))
    assert(ctx:case_verify(officer, lead, "线索核实属实"))
  end
  -- the service station's catalogue
  assert(ctx:shop_item_create(officer, station, "洗衣粉", 30, 20))
  assert(ctx:shop_item_create(officer, station, "大米 5kg", 70, 5))
  assert(ctx:shop_item_create(officer, station, "毛巾", 5, 50))
  assert(ctx:setting_set(sys, "kiosk.location", "玉龙社区警务服务站"))
  return operator, {id_card("53090219950101003"), id_card("53090219991231009"), "53090219950101"}, "洗衣粉"
end

-- ---- the kiosk ---------------------------------------------------------------------------

local function area_name(ctx, operator, id)
  if not id then return "-" end
  local area <close> = ctx:area_get(operator, id)
  return area and area:name() or id
end

-- Show one scanned card, as the operator sees it; returns the person's row or nil.
local function show(ctx, operator, card)
  print(("-"):rep(56))
  print("刷卡 / card: " .. card)
  local p <close>, msg, code = ctx:person_find_by_id_card(operator, card)
  if not p then
    if code == cp.ENOTFOUND then
      print("  未找到此人 / no person file for this card")
    elseif code == cp.EINVALID then
      print("  卡号无效 / not a valid ID-card number: " .. msg)
    else
      print(("  失败 / failed (%s): %s"):format(cp.status_name(code), msg))
    end
    return nil
  end
  local row = p:row()
  print("  姓名 name:      " .. row.name)
  print("  身份证 ID card: " .. row.id_card .. (row.masked and "   (masked)" or ""))
  print("  电话 phone:     " .. (row.phone ~= "" and row.phone or "-"))
  print("  住址 home:      " .. area_name(ctx, operator, row.home_area))
  print("  技能 skills:    " .. (row.skills ~= "" and row.skills or "-"))
  for asg in assert(ctx:assignment_iter(operator, row.id)) do
    print(("  角色 role:      %s (%s) at %s: %s"):format(cp.role_name_zh(asg.role), cp.role_name(asg.role),
          area_name(ctx, operator, asg.area), cp.assignment_status_name(asg.status)))
  end
  local balance, available = ctx:points_balance(operator, row.id)
  if balance then
    print(("  积分 points:    %d (available %d)"):format(balance, available))
  else
    print("  积分 points:    cannot be read: " .. available)
  end
  return row
end

local function find_item(ctx, operator, station, name)
  for item in assert(ctx:shop_item_iter(operator, station)) do
    if item.name == name then return item end
  end
  return nil
end

-- Pad to a display width (CJK characters take two columns on a terminal).
local function pad(s, width)
  local w = 0
  for _, c in utf8.codes(s) do w = w + (c >= 0x1100 and 2 or 1) end
  return s .. (" "):rep(math.max(width - w, 0))
end

local function print_catalogue(ctx, operator, station)
  print("  兑换目录 catalogue:")
  for item in assert(ctx:shop_item_iter(operator, station)) do
    print(("    %s %4d points   %3d in stock"):format(pad(item.name, 12), item.price, item.stock))
  end
end

-- The journal: the request written down before it is sent, as the
-- installation itself (the system actor of the open context).
local JOURNAL = "kiosk.pending"
local installation = setmetatable({}, {__mode = "k"}) -- context -> its system actor

local function journal_actor(ctx)
  local sys = installation[ctx]
  if not sys then
    sys = assert(ctx:actor_system())
    installation[ctx] = sys
  end
  return sys
end

local function journal_write(ctx, request, person, item, quantity, name)
  assert(ctx:setting_set(journal_actor(ctx), JOURNAL,
                         table.concat({request, person, item, tostring(quantity), name}, "|")))
end

local function journal_clear(ctx)
  assert(ctx:setting_delete(journal_actor(ctx), JOURNAL))
end

local function journal_read(ctx)
  local text = ctx:setting_get(journal_actor(ctx), JOURNAL)
  if not text then return nil end
  local request, person, item, quantity, name = text:match("^([^|]+)|([^|]+)|([^|]+)|(%d+)|(.*)$")
  return {request = request, person = person, item = item, quantity = math.tointeger(tonumber(quantity)),
          name = name}
end

local function print_receipt(ctx, operator, req, status, amount)
  local t <close> = assert(ctx:transfer_get(operator, req.request))
  local it <close> = assert(ctx:shop_item_get(operator, req.item))
  local balance, available = assert(ctx:points_balance(operator, req.person))
  local op <close> = assert(ctx:person_get(operator, operator:person()))
  print(("="):rep(56))
  print("            积分兑换凭条 / POINTS RECEIPT")
  print("  服务站 kiosk:     " .. (ctx:setting_get(operator, "kiosk.location") or "?"))
  print("  凭条号 receipt:   " .. req.request)
  print("  时间 time:        " .. china_time(t:time()))
  print("  兑换人 person:    " .. req.name)
  print(("  物品 item:        %s x %d (%d points each)"):format(it:name(), req.quantity, amount // req.quantity))
  print(("  扣减 charged:     %d points"):format(amount))
  print(("  余额 balance:     %d (available %d)"):format(balance, available))
  print("  操作员 operator:  " .. op:name())
  if status == cp.ALREADY then
    print("  (重发请求 retried request: already charged, not charged again)")
  end
  print(("="):rep(56))
  return balance
end

-- Send a journalled request; clear the journal once the answer is in hand.
-- lose_reply simulates a crash between the library's answer and the receipt.
local function send(ctx, operator, req, lose_reply)
  local status, amount, code = ctx:shop_redeem(operator, req.request, req.person, req.item, req.quantity, 0)
  if not status then
    journal_clear(ctx) -- refused: nothing was charged, nothing to retry
    if code == cp.EFUNDS then
      print("  积分不足 / not enough points: " .. amount)
    elseif code == cp.ELIMIT then
      print("  库存不足 / out of stock: " .. amount)
    else
      print(("  兑换失败 / redemption failed (%s): %s"):format(cp.status_name(code), amount))
    end
    return nil
  end
  if lose_reply then
    print(("  ... the reply to request %s is lost: the kiosk crashes before printing"):format(req.request))
    return nil
  end
  local balance = print_receipt(ctx, operator, req, status, amount)
  journal_clear(ctx)
  return status, amount, balance
end

-- At start-up: re-send a request the journal says is unanswered.
local function resume(ctx, operator)
  local req = journal_read(ctx)
  if not req then return nil end
  print(("-"):rep(56))
  print("  未完成的请求 / unanswered request in the journal: " .. req.request .. ", sending it again")
  return send(ctx, operator, req, false)
end

local function redeem(ctx, operator, row, item_name, quantity, request, lose_reply)
  if journal_read(ctx) then
    print("  an earlier request is still unanswered: sending it first")
    resume(ctx, operator)
  end
  local item = find_item(ctx, operator, row.station, item_name)
  if not item then
    print("  目录中没有 / not in the catalogue: " .. item_name)
    return nil
  end
  local req = {request = request or assert(ctx:id_new()), person = row.id, item = item.id, quantity = quantity,
               name = row.name .. "  " .. row.id_card}
  journal_write(ctx, req.request, req.person, req.item, req.quantity, req.name) -- before sending
  print(("  兑换 redeem:     %s x %d, request %s"):format(item_name, quantity, req.request))
  return send(ctx, operator, req, lose_reply)
end

local function open_operator(ctx, operator_id)
  local operator, msg = ctx:actor_open(operator_id, cp.ROLE_OPERATOR)
  if not operator then fail("cannot act as the operator: " .. msg) end
  return operator
end

-- ---- main --------------------------------------------------------------------------------

local path, temporary = args.db, false
if not path then -- --demo without --db: a temporary SQLite file, removed at the end
  path = os.tmpname()
  os.remove(path)
  path = path .. "-kiosk.db"
  temporary = true
end
local uri = "sqlite:" .. path
local function cleanup()
  if temporary then
    for _, suffix in ipairs({"", "-journal", "-wal", "-shm"}) do os.remove(path .. suffix) end
  end
end

local operator_id, cards, item = args.operator, args.cards, args.item
local checks = {}
do
  local ctx <close> = assert(open_store(uri))
  if args.demo then
    local demo_operator, demo_cards, demo_item = build_demo(ctx)
    operator_id = operator_id or demo_operator
    if #cards == 0 then cards = demo_cards end
    item = item or demo_item
  end
  if not operator_id then usage("--operator is required without --demo") end
  if #cards == 0 and not journal_read(ctx) then usage("no --card to look up") end
  local operator <close> = open_operator(ctx, operator_id)
  print(("commpolice %s kiosk at %s (%s, offline)"):format(cp._LIBRARY_VERSION,
        ctx:setting_get(operator, "kiosk.location") or "?", uri))
  resume(ctx, operator) -- a request left over from an earlier crash
  checks.masked = 0
  for _, card in ipairs(cards) do
    local row = show(ctx, operator, card)
    if row and row.masked then checks.masked = checks.masked + 1 end
    if row and item then
      print_catalogue(ctx, operator, row.station)
      if args.demo then
        print("  a request the balance cannot cover:")
        redeem(ctx, operator, row, "大米 5kg", 1)
      end
      checks.before = ctx:points_balance(operator, row.id)
      -- in the demo, the reply to this redemption is lost
      redeem(ctx, operator, row, item, args.quantity, args.request, args.demo)
      checks.after_first = ctx:points_balance(operator, row.id)
    end
  end
  print(("-"):rep(56))
end -- the kiosk "crashes": the context is closed without a receipt

if args.demo then
  -- the kiosk starts again on the same file and finds the unanswered request
  print("kiosk restarts on " .. uri)
  local ctx <close> = assert(open_store(uri))
  local operator <close> = open_operator(ctx, operator_id)
  local pending = journal_read(ctx)
  if not pending then fail("expected the lost request in the journal") end
  local status, amount, balance = resume(ctx, operator)
  -- the same request once more, by hand: still ALREADY, still charged once
  local again, again_amount = ctx:shop_redeem(operator, pending.request, pending.person, pending.item,
                                              pending.quantity, 0)
  print(("  the same request id once more: %s, %d points (balance %d)"):format(cp.status_name(again),
        again_amount, ctx:points_balance(operator, pending.person)))
  local ok = checks.masked == 1 and status == cp.ALREADY and again == cp.ALREADY and amount == 30 and
             again_amount == 30 and checks.before == 50 and checks.after_first == 20 and balance == 20 and
             ctx:points_balance(operator, pending.person) == 20 and journal_read(ctx) == nil
  if not ok then
    cleanup()
    fail(("demo check failed: masked %s, retry %s/%s, amounts %s/%s, balances %s -> %s -> %s"):format(
      tostring(checks.masked), tostring(status), tostring(again), tostring(amount), tostring(again_amount),
      tostring(checks.before), tostring(checks.after_first), tostring(balance)))
  end
  print("demo: the retried request was answered CPOL_ALREADY and charged once (50 -> 20 points)")
end
cleanup()
