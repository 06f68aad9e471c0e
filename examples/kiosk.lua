-- kiosk.lua: a service-station kiosk looks up a volunteer by ID card.
--
--   lua5.4 examples/kiosk.lua --demo
--   lua5.4 examples/kiosk.lua --db station.db --operator PERSON_ID --card 530902198503120021
--
-- (LUA_CPATH must find commpolice.so: the build tree's bindings/lua/, or
-- <prefix>/lib/lua/5.4 after cmake --install.)
--
-- The kiosk acts as its operator (服务站操作员, the operator role): it scans
-- an ID-card number, finds the person file with cpol_person_find_by_id_card()
-- and shows it *masked* (an operator lacks person.sensitive, so the library
-- masks the ID-card and phone numbers itself), with the home area and the
-- volunteer roles and their states. An unknown or malformed card number is
-- a normal outcome: the call returns nil, message, code and the kiosk says so.
--
-- --demo builds a small station in memory (or in --db), with an operator and
-- three people, and scans three cards: a volunteer's, an unknown one and a
-- mistyped one.
--
-- Waiting for the ledger issue: the points balance, redeeming an item, the
-- printed receipt and surviving a retried request (the same request id
-- returning CPOL_ALREADY, which the binding returns as the status first:
-- `local status, amount = ctx:shop_redeem(...)`). The generator picks the
-- ledger functions up from the headers; this script adds the kiosk steps
-- when that API is final.

local cp = require "commpolice"

local function usage(msg)
  io.stderr:write("kiosk: " .. msg .. "\n" ..
    "usage: lua5.4 kiosk.lua [--demo] [--db PATH] [--operator PERSON_ID] [--card NUMBER]...\n")
  os.exit(2)
end

local args = {cards = {}}
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--demo" then args.demo = true
    elseif a == "--db" then i = i + 1; args.db = arg[i]
    elseif a == "--operator" then i = i + 1; args.operator = arg[i]
    elseif a == "--card" then i = i + 1; args.cards[#args.cards + 1] = arg[i]
    else usage("unknown argument " .. tostring(a)) end
    i = i + 1
  end
end
if not args.demo and not args.db then usage("give --db, --demo or both") end

local function id_card(first17)
  local w = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
  local sum = 0
  for i = 1, 17 do sum = sum + (first17:byte(i) - 48) * w[i] end
  local k = sum % 11 + 1
  return first17 .. ("10X98765432"):sub(k, k)
end

-- The demo station: returns the operator's person id and the cards to scan.
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
  local card = id_card("53090219950101003")
  local v = person("赵义警", "53090219950101003", compound)
  local a = assert(ctx:volunteer_apply(officer, v, cp.ROLE_VOLUNTEER, community, "自愿报名"))
  for _, to in ipairs({cp.ASSIGNMENT_UNDER_REVIEW, cp.ASSIGNMENT_ADMITTED, cp.ASSIGNMENT_ACTIVE}) do
    assert(ctx:assignment_step(officer, a, to, "审核通过"))
  end
  assert(ctx:setting_set("kiosk.location", "玉龙社区警务服务站"))
  return operator, {card, id_card("53090219991231009"), "53090219950101"}
end

local function area_name(ctx, id)
  if not id then return "-" end
  local area <close> = ctx:area_get(id)
  return area and area:name() or id
end

-- Show one scanned card, as the operator sees it.
local function show(ctx, operator, card)
  print(("-"):rep(48))
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
    return false
  end
  local row = p:row()
  print("  姓名 name:      " .. row.name)
  print("  身份证 ID card: " .. row.id_card .. (row.masked and "   (masked)" or ""))
  print("  电话 phone:     " .. (row.phone ~= "" and row.phone or "-"))
  print("  住址 home:      " .. area_name(ctx, row.home_area))
  print("  技能 skills:    " .. (row.skills ~= "" and row.skills or "-"))
  print(("  出生 born:      %d"):format(row.birth_date))
  for asg in assert(ctx:assignment_iter(row.id)) do
    print(("  角色 role:      %s (%s) at %s: %s"):format(cp.role_name_zh(asg.role), cp.role_name(asg.role),
          area_name(ctx, asg.area), cp.assignment_status_name(asg.status)))
  end
  print("  积分 points:    (the ledger API lands with the ledger issue)")
  return row.masked
end

local uri = args.db and ("sqlite:" .. args.db) or "memory:"
local ctx <close> = assert(cp.open(uri))
local operator_id, cards = nil, args.cards
if args.demo then
  local demo_cards
  operator_id, demo_cards = build_demo(ctx)
  if #cards == 0 then cards = demo_cards end
end
operator_id = args.operator or operator_id
if not operator_id then usage("--operator is required without --demo") end
if #cards == 0 then usage("no --card to look up") end

local operator <close>, msg = ctx:actor_open(operator_id, cp.ROLE_OPERATOR)
if not operator then
  io.stderr:write("kiosk: cannot act as the operator: " .. msg .. "\n")
  os.exit(1)
end
print(("commpolice %s kiosk at %s"):format(cp._LIBRARY_VERSION, ctx:setting_get("kiosk.location") or "?"))
local shown_masked = 0
for _, card in ipairs(cards) do
  if show(ctx, operator, card) then shown_masked = shown_masked + 1 end
end
print(("-"):rep(48))
-- in the demo, the volunteer's file must have been found and shown masked
if args.demo and shown_masked ~= 1 then
  io.stderr:write("kiosk: expected exactly one masked file in the demo\n")
  os.exit(1)
end
