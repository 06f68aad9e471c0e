/* cpol demo: building the district, or finding it again (see demo.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "demo.h"

/* 2025-06-01 08:00 China time, the first demo month's first morning. */
#define DEMO_EPOCH 1748736000000LL

void demo_clock_to(demo *d, cpol_time t)
{
    if (t > d->c->fixed_now)
        d->c->fixed_now = t;
}

uint32_t demo_rand(demo *d, uint32_t n)
{
    /* splitmix64: small, seedable, the same on every platform */
    uint64_t z = (d->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return n ? (uint32_t)(z % n) : 0;
}

int demo_ok(demo *d, int rc, const char *what)
{
    if (rc >= 0)
        return 1;
    if (!d->failed)
        d->failed = cli_fail(d->c, rc, "%s", what);
    return 0;
}

const cpol_actor *demo_as(demo *d, const cpol_id *person, int role)
{
    int i;
    for (i = 0; i < d->n_actors; i++)
        if (d->actors[i].role == role && cpol_id_compare(&d->actors[i].person, person) == 0)
            return d->actors[i].actor;
    if (d->n_actors == DEMO_MAX_ACTORS) {
        d->failed = d->failed ? d->failed : CLI_EXIT_ERROR;
        return NULL;
    }
    demo_actor *a = &d->actors[d->n_actors];
    if (!demo_ok(d, cpol_actor_open(d->ctx, person, role, &a->actor), "opening an actor"))
        return NULL;
    a->person = *person;
    a->role = role;
    d->n_actors++;
    return a->actor;
}

/* ---- the world's ids, kept as settings demo.id.<name> -------------------- */

static int keep(demo *d, const char *name, const cpol_id *id)
{
    char key[CPOL_SETTING_KEY_MAX + 1];
    snprintf(key, sizeof key, "demo.id.%s", name);
    return demo_ok(d, cpol_setting_set(d->ctx, d->sys, key, cli_id_text(id)), key);
}

static int find(demo *d, const char *name, cpol_id *id)
{
    char key[CPOL_SETTING_KEY_MAX + 1], *value = NULL;
    int rc;
    snprintf(key, sizeof key, "demo.id.%s", name);
    rc = cpol_setting_get(d->ctx, d->sys, key, &value);
    if (rc == CPOL_OK) {
        rc = cpol_id_parse(id, value);
        cpol_free(value);
    }
    if (rc < 0 && !d->failed) {
        fprintf(stderr, "%s demo: %s %s (%s); %s\n", d->c->prog,
                TR(d->c, "this store has a demo month but not its world entry", "此数据库有演示记录但缺少世界条目"), key,
                cpol_status_name(rc),
                TR(d->c, "it was changed by hand: run the demo on a new file (--db NEW.db)",
                   "它已被手工改动: 请在新文件上运行演示 (--db 新文件.db)"));
        d->failed = CLI_EXIT_DAMAGED;
    }
    return rc == CPOL_OK;
}

typedef struct slot {
    const char *name;
    cpol_id *id;
    int count; /* 1, or the size of an array */
} slot;

static int each_slot(demo *d, int save)
{
    const slot slots[] = {
        {"bureau", &d->bureau, 1}, {"station", &d->station, 1}, {"yulong", &d->yulong, 1},
        {"yulong_compound", &d->yulong_compound, 1}, {"jinfeng", &d->jinfeng, 1}, {"garden", &d->garden, 1},
        {"court", &d->court, 1}, {"village", &d->village, 1}, {"leader", &d->leader, 1}, {"deputy", &d->deputy, 1},
        {"officer_li", &d->officer_li, 1}, {"officer_yang", &d->officer_yang, 1}, {"officer_he", &d->officer_he, 1},
        {"aux_zhang", &d->aux_zhang, 1}, {"aux_luo", &d->aux_luo, 1}, {"operator", &d->operator_, 1},
        {"analyst", &d->analyst, 1}, {"lawyer", &d->lawyer, 1}, {"volunteer", d->volunteers, DEMO_VOLUNTEERS},
        {"informant", d->informants, DEMO_INFORMANTS}, {"guard", d->guards, DEMO_GUARDS},
        {"head", d->heads, DEMO_HEADS}, {"grid", d->grid, DEMO_GRID}, {"villager", d->villagers, DEMO_VILLAGERS},
        {"mediator", d->mediators, DEMO_MEDIATORS}, {"contact", d->contacts, DEMO_CONTACTS},
        {"team_yulong", &d->team_yulong, 1}, {"team_garden", &d->team_garden, 1}, {"team_court", &d->team_court, 1},
        {"team_patrol", &d->team_patrol, 1}, {"team_mediation", &d->team_mediation, 1},
        {"team_1_10_n", &d->team_1_10_n, 1}, {"item", d->items, DEMO_ITEMS},
    };
    size_t i;
    int k;
    for (i = 0; i < sizeof slots / sizeof slots[0]; i++)
        for (k = 0; k < slots[i].count; k++) {
            char name[48];
            if (slots[i].count == 1)
                snprintf(name, sizeof name, "%s", slots[i].name);
            else
                snprintf(name, sizeof name, "%s.%d", slots[i].name, k + 1);
            if (!(save ? keep(d, name, &slots[i].id[k]) : find(d, name, &slots[i].id[k])))
                return 0;
        }
    return 1;
}

/* ---- people ---------------------------------------------------------------- */

/* A valid 18-character resident ID-card number: region 530902 (临翔区), a
 * birth date and a sequence number, with its ISO 7064 MOD 11-2 check digit. */
static void id_card(unsigned n, char out[19])
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int sum = 0, i;
    snprintf(out, 19, "530902%04u%02u%02u%03u", 1962 + n % 38, n % 12 + 1, n % 28 + 1, n % 1000);
    for (i = 0; i < 17; i++)
        sum += (out[i] - '0') * weights[i];
    out[17] = check[sum % 11];
    out[18] = '\0';
}

static void person_name(int n, char *buf, size_t size)
{
    static const char *const surnames[] = {"李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐",
                                           "孙", "马", "朱", "胡", "郭", "何", "罗", "高", "林", "字", "鲁"};
    static const char *const given[] = {"育斌", "建华", "秀英", "国强", "丽娟", "志明", "海燕", "春梅", "文军",
                                        "玉兰", "德福", "晓东", "桂芳", "永红", "云龙", "静",   "磊",   "红梅",
                                        "家豪", "雪",   "金凤", "正平", "少华", "艳",   "光荣", "小军", "美玲"};
    size_t ns = sizeof surnames / sizeof surnames[0], ng = sizeof given / sizeof given[0];
    snprintf(buf, size, "%s%s", surnames[(size_t)n % ns], given[((size_t)n / ns + (size_t)n * 7) % ng]);
}

/* Register a person (by @p as, who needs person.register). */
static int person(demo *d, const cpol_actor *as, int n, const char *name, const cpol_id *home, int32_t categories,
                  const char *skills, cpol_id *out)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    char card[19], phone[16], generated[64];
    id_card((unsigned)n, card);
    snprintf(phone, sizeof phone, "139%08d", 27000000 + n * 7919 % 1000000);
    if (!name) {
        person_name(n, generated, sizeof generated);
        name = generated;
    }
    f.name = name;
    f.id_card = card;
    f.phone = phone;
    f.home_area = home;
    f.categories = categories;
    f.skills = skills;
    return demo_ok(d, cpol_person_register(d->ctx, as, &f, out), "registering a person");
}

/* Appoint a staff member (by the leader). */
static int staff(demo *d, int n, const char *name, int role, cpol_id *out)
{
    const cpol_actor *leader = demo_as(d, &d->leader, CPOL_ROLE_LEADER);
    return leader && person(d, leader, n, name, &d->station, 0, NULL, out)
           && demo_ok(d, cpol_role_appoint(d->ctx, leader, out, role, &d->station, "任命", NULL), "appointing staff");
}

/* A volunteer's way in: application recorded by @p enrol, review and
 * admission by @p officer (广泛发动、自愿参与、审核准入). @p admit 0 rejects. */
static int volunteer(demo *d, const cpol_id *p, int role, const cpol_id *area, const cpol_id *enrol,
                     int enrol_role, const cpol_id *officer, int admit)
{
    const cpol_actor *e = demo_as(d, enrol, enrol_role), *o = demo_as(d, officer, CPOL_ROLE_OFFICER);
    cpol_id a;
    if (!e || !o || !demo_ok(d, cpol_volunteer_apply(d->ctx, e, p, role, area, "社区动员报名", &a), "applying"))
        return 0;
    if (!demo_ok(d, cpol_assignment_step(d->ctx, o, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, "资格审核"), "reviewing"))
        return 0;
    if (!admit)
        return demo_ok(d, cpol_assignment_step(d->ctx, o, &a, CPOL_ASSIGNMENT_REJECTED, "政审未通过"), "rejecting");
    return demo_ok(d, cpol_assignment_step(d->ctx, o, &a, CPOL_ASSIGNMENT_ADMITTED, "审核准入"), "admitting")
           && demo_ok(d, cpol_assignment_step(d->ctx, o, &a, CPOL_ASSIGNMENT_ACTIVE, "分类编组"), "activating");
}

static int team(demo *d, const cpol_id *officer, const char *name, int kind, int composition, const cpol_id *area,
                const cpol_id *parent, cpol_id *out)
{
    cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
    const cpol_actor *o = demo_as(d, officer, CPOL_ROLE_OFFICER);
    f.name = name;
    f.kind = kind;
    f.composition = composition;
    f.area = area;
    f.parent = parent;
    f.officer = officer;
    return o && demo_ok(d, cpol_team_create(d->ctx, o, &f, out), name);
}

static int member(demo *d, const cpol_id *officer, const cpol_id *t, const cpol_id *p, int role)
{
    const cpol_actor *o = demo_as(d, officer, CPOL_ROLE_OFFICER);
    return o && demo_ok(d, cpol_team_member_add(d->ctx, o, t, p, role, NULL, NULL), "adding a team member");
}

static int areas(demo *d)
{
    const cpol_actor *l = demo_as(d, &d->leader, CPOL_ROLE_LEADER);
    return l && demo_ok(d, cpol_area_create(d->ctx, l, &d->station, CPOL_AREA_COMMUNITY, "玉龙社区", &d->yulong), "area")
           && demo_ok(d, cpol_area_create(d->ctx, l, &d->yulong, CPOL_AREA_COMPOUND, "玉龙小区", &d->yulong_compound),
                      "area")
           && demo_ok(d, cpol_area_create(d->ctx, l, &d->station, CPOL_AREA_COMMUNITY, "锦凤社区", &d->jinfeng), "area")
           && demo_ok(d, cpol_area_create(d->ctx, l, &d->jinfeng, CPOL_AREA_COMPOUND, "锦凤花园", &d->garden), "area")
           && demo_ok(d, cpol_area_create(d->ctx, l, &d->jinfeng, CPOL_AREA_COMPOUND, "文华苑", &d->court), "area")
           && demo_ok(d, cpol_area_create(d->ctx, l, &d->station, CPOL_AREA_VILLAGE, "南片村", &d->village), "area");
}

static int people(demo *d)
{
    const cpol_actor *zhang = demo_as(d, &d->aux_zhang, CPOL_ROLE_AUXILIARY);
    const cpol_actor *luo = demo_as(d, &d->aux_luo, CPOL_ROLE_AUXILIARY);
    static const int32_t informant_trades[DEMO_INFORMANTS] = {CPOL_CATEGORY_COURIER, CPOL_CATEGORY_TAXI,
                                                              CPOL_CATEGORY_FOOD_DELIVERY};
    int i, n = 100, v = 0;
    if (!zhang || !luo)
        return 0;
    /* 玉龙义警: 45 residents apply, 43 are admitted (the seed's 43 volunteers). */
    for (i = 0; i < DEMO_APPLICANTS; i++) {
        cpol_id p;
        int admit = i != 17 && i != 31;
        cli_progress(d->c, TR(d->c, "volunteers", "义警报名"), i + 1, DEMO_APPLICANTS);
        if (!person(d, zhang, n++, NULL, &d->yulong_compound, i % 5 == 0 ? CPOL_CATEGORY_SECURITY_GUARD : 0,
                    i % 4 == 0 ? "急救" : NULL, &p)
            || !volunteer(d, &p, CPOL_ROLE_VOLUNTEER, &d->yulong, &d->aux_zhang, CPOL_ROLE_AUXILIARY, &d->officer_li,
                          admit))
            return 0;
        if (admit)
            d->volunteers[v++] = p;
    }
    /* 治安信息员 from the "三保两员两车一服" trades */
    for (i = 0; i < DEMO_INFORMANTS; i++)
        if (!person(d, zhang, n++, NULL, &d->yulong_compound, informant_trades[i], NULL, &d->informants[i])
            /* enrolling an informant needs person.sensitive: the officer does it */
            || !volunteer(d, &d->informants[i], CPOL_ROLE_INFORMANT, &d->yulong, &d->officer_li, CPOL_ROLE_OFFICER,
                          &d->officer_li, 1))
            return 0;
    /* 锦凤社区: property guards, building heads and grid workers of the two compounds */
    for (i = 0; i < DEMO_GUARDS; i++)
        if (!person(d, luo, n++, NULL, i < 2 ? &d->garden : &d->court, CPOL_CATEGORY_SECURITY_GUARD, NULL,
                    &d->guards[i])
            || !volunteer(d, &d->guards[i], CPOL_ROLE_PROPERTY_GUARD, &d->jinfeng, &d->aux_luo, CPOL_ROLE_AUXILIARY,
                          &d->officer_yang, 1))
            return 0;
    for (i = 0; i < DEMO_HEADS; i++)
        if (!person(d, luo, n++, NULL, i < 2 ? &d->garden : &d->court, 0, NULL, &d->heads[i])
            || !volunteer(d, &d->heads[i], CPOL_ROLE_BUILDING_HEAD, &d->jinfeng, &d->aux_luo, CPOL_ROLE_AUXILIARY,
                          &d->officer_yang, 1))
            return 0;
    for (i = 0; i < DEMO_GRID; i++)
        if (!person(d, luo, n++, NULL, i < 1 ? &d->garden : &d->court, 0, NULL, &d->grid[i])
            || !volunteer(d, &d->grid[i], CPOL_ROLE_GRID_WORKER, &d->jinfeng, &d->aux_luo, CPOL_ROLE_AUXILIARY,
                          &d->officer_yang, 1))
            return 0;
    /* 南片村: village committee members who patrol (义务巡逻队) */
    for (i = 0; i < DEMO_VILLAGERS; i++)
        if (!person(d, luo, n++, NULL, &d->village, 0, NULL, &d->villagers[i])
            || !volunteer(d, &d->villagers[i], CPOL_ROLE_VOLUNTEER, &d->village, &d->aux_luo, CPOL_ROLE_AUXILIARY,
                          &d->officer_he, 1))
            return 0;
    /* 义务纠纷调解队: a pro-bono lawyer and two mediators of the justice office */
    if (!person(d, luo, n++, NULL, &d->station, 0, "民商事法律", &d->lawyer)
        || !volunteer(d, &d->lawyer, CPOL_ROLE_LAWYER, &d->station, &d->aux_luo, CPOL_ROLE_AUXILIARY, &d->officer_he, 1))
        return 0;
    for (i = 0; i < DEMO_MEDIATORS; i++)
        if (!person(d, luo, n++, NULL, &d->station, 0, "人民调解", &d->mediators[i])
            || !volunteer(d, &d->mediators[i], CPOL_ROLE_MEDIATOR, &d->station, &d->aux_luo, CPOL_ROLE_AUXILIARY,
                          &d->officer_he, 1))
            return 0;
    /* contact persons of social units (school, hospital, market) for the 1+10+N team */
    for (i = 0; i < DEMO_CONTACTS; i++)
        if (!person(d, luo, n++, NULL, &d->jinfeng, 0, NULL, &d->contacts[i]))
            return 0;
    return 1;
}

static int teams(demo *d)
{
    int i;
    /* Lincang 临翔 "1+1+N": one officer, one auxiliary, N volunteers and informants */
    if (!team(d, &d->officer_li, "玉龙义警", CPOL_TEAM_VOLUNTEER_POLICE, CPOL_TEAM_TEMPLATE_1_1_N, &d->yulong, NULL,
              &d->team_yulong)
        || !member(d, &d->officer_li, &d->team_yulong, &d->aux_zhang, CPOL_TEAM_ROLE_AUXILIARY))
        return 0;
    for (i = 0; i < DEMO_VOLUNTEERS; i++)
        if (!member(d, &d->officer_li, &d->team_yulong, &d->volunteers[i],
                    i == 0 ? CPOL_TEAM_ROLE_LEADER : CPOL_TEAM_ROLE_MEMBER))
            return 0;
    for (i = 0; i < DEMO_INFORMANTS; i++)
        if (!member(d, &d->officer_li, &d->team_yulong, &d->informants[i], CPOL_TEAM_ROLE_MEMBER))
            return 0;
    /* Chongqing 大渡口 "1+10+N": the station's team of teams and its social units */
    if (!team(d, &d->officer_yang, "忙畔社区警务团队", CPOL_TEAM_VOLUNTEER_POLICE, CPOL_TEAM_TEMPLATE_1_10_N,
              &d->station, NULL, &d->team_1_10_n))
        return 0;
    for (i = 0; i < DEMO_CONTACTS; i++)
        if (!member(d, &d->officer_yang, &d->team_1_10_n, &d->contacts[i], CPOL_TEAM_ROLE_UNIT_CONTACT))
            return 0;
    /* Guiyang 贵筑 "1+N": 平安管家 of two compounds, 义务巡逻队, 义务纠纷调解队 */
    if (!team(d, &d->officer_yang, "锦凤花园平安管家", CPOL_TEAM_SAFETY_STEWARDS, CPOL_TEAM_TEMPLATE_1_N, &d->garden,
              &d->team_1_10_n, &d->team_garden)
        || !team(d, &d->officer_yang, "文华苑平安管家", CPOL_TEAM_SAFETY_STEWARDS, CPOL_TEAM_TEMPLATE_1_N, &d->court,
                 &d->team_1_10_n, &d->team_court)
        || !team(d, &d->officer_he, "南片村义务巡逻队", CPOL_TEAM_PATROL, CPOL_TEAM_TEMPLATE_1_N, &d->village,
                 &d->team_1_10_n, &d->team_patrol)
        || !team(d, &d->officer_he, "忙畔义务纠纷调解队", CPOL_TEAM_MEDIATION, CPOL_TEAM_TEMPLATE_1_N, &d->station,
                 &d->team_1_10_n, &d->team_mediation))
        return 0;
    for (i = 0; i < DEMO_GUARDS; i++)
        if (!member(d, &d->officer_yang, i < 2 ? &d->team_garden : &d->team_court, &d->guards[i],
                    i % 2 ? CPOL_TEAM_ROLE_MEMBER : CPOL_TEAM_ROLE_LEADER))
            return 0;
    for (i = 0; i < DEMO_HEADS; i++)
        if (!member(d, &d->officer_yang, i < 2 ? &d->team_garden : &d->team_court, &d->heads[i], CPOL_TEAM_ROLE_MEMBER))
            return 0;
    for (i = 0; i < DEMO_GRID; i++)
        if (!member(d, &d->officer_yang, i < 1 ? &d->team_garden : &d->team_court, &d->grid[i], CPOL_TEAM_ROLE_MEMBER))
            return 0;
    for (i = 0; i < DEMO_VILLAGERS; i++)
        if (!member(d, &d->officer_he, &d->team_patrol, &d->villagers[i],
                    i == 0 ? CPOL_TEAM_ROLE_LEADER : CPOL_TEAM_ROLE_MEMBER))
            return 0;
    if (!member(d, &d->officer_he, &d->team_mediation, &d->lawyer, CPOL_TEAM_ROLE_MEMBER))
        return 0;
    for (i = 0; i < DEMO_MEDIATORS; i++)
        if (!member(d, &d->officer_he, &d->team_mediation, &d->mediators[i], CPOL_TEAM_ROLE_MEMBER))
            return 0;
    return 1;
}

/* What volunteers earn (积分) and what the service station offers. */
static int points_setup(demo *d)
{
    static const struct {
        int kind;
        int64_t points, daily_cap, monthly_cap;
    } rules[] = {
        {CPOL_EARN_PATROL, 10, 20, 200}, {CPOL_EARN_PUBLICITY, 8, 16, 100}, {CPOL_EARN_CASE_LEAD, 20, 60, 300},
        {CPOL_EARN_TRAINING, 5, 10, 50}, {CPOL_EARN_MEDIATION, 30, 60, 300}, {CPOL_EARN_HAZARD, 15, 45, 200},
    };
    static const struct {
        const char *name;
        int64_t price, stock;
    } goods[DEMO_ITEMS] = {{"大米5公斤", 120, 30}, {"食用油1.8升", 90, 30}, {"洗衣液2公斤", 40, 60}, {"毛巾", 15, 100}};
    const cpol_actor *l = demo_as(d, &d->leader, CPOL_ROLE_LEADER);
    size_t i;
    if (!l)
        return 0;
    for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (!demo_ok(d, cpol_earning_rule_set(d->ctx, l, &d->station, rules[i].kind, rules[i].points,
                                              rules[i].daily_cap, rules[i].monthly_cap),
                     "setting an earning rule"))
            return 0;
    for (i = 0; i < DEMO_ITEMS; i++)
        if (!demo_ok(d, cpol_shop_item_create(d->ctx, l, &d->station, goods[i].name, goods[i].price, goods[i].stock,
                                              &d->items[i]),
                     "adding to the catalogue"))
            return 0;
    return 1;
}

static int build(demo *d)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    char card[19];
    /* The installation bootstraps the station and its leader; people act from then on. */
    if (!demo_ok(d, cpol_area_create(d->ctx, d->sys, NULL, CPOL_AREA_BUREAU, "临翔分局", &d->bureau), "bureau")
        || !demo_ok(d, cpol_area_create(d->ctx, d->sys, &d->bureau, CPOL_AREA_STATION, "忙畔派出所", &d->station),
                    "station"))
        return 0;
    id_card(1, card);
    f.name = "石所长";
    f.id_card = card;
    f.home_area = &d->station;
    if (!demo_ok(d, cpol_person_register(d->ctx, d->sys, &f, &d->leader), "registering the leader")
        || !demo_ok(d, cpol_role_appoint(d->ctx, d->sys, &d->leader, CPOL_ROLE_LEADER, &d->station, "所长", NULL),
                    "appointing the leader"))
        return 0;
    return areas(d) && staff(d, 2, "陈副所长", CPOL_ROLE_LEADER, &d->deputy)
           && staff(d, 3, "李警官", CPOL_ROLE_OFFICER, &d->officer_li)
           && staff(d, 4, "杨警官", CPOL_ROLE_OFFICER, &d->officer_yang)
           && staff(d, 5, "何警官", CPOL_ROLE_OFFICER, &d->officer_he)
           && staff(d, 6, "张辅警", CPOL_ROLE_AUXILIARY, &d->aux_zhang)
           && staff(d, 7, "罗辅警", CPOL_ROLE_AUXILIARY, &d->aux_luo)
           && staff(d, 8, "服务站操作员吴", CPOL_ROLE_OPERATOR, &d->operator_)
           && staff(d, 9, "分析员周", CPOL_ROLE_ANALYST, &d->analyst) && points_setup(d) && people(d) && teams(d)
           && each_slot(d, 1);
}

int demo_world_open(demo *d)
{
    char *month = NULL, *clock = NULL;
    int rc = cpol_setting_get(d->ctx, d->sys, "demo.month", &month);
    if (rc == CPOL_ENOTFOUND) {
        /* A store that holds anything but a demo is not ours to fill. */
        cpol_person_filter pf = CPOL_PERSON_FILTER_INIT;
        cpol_person_iter *pi = NULL;
        const cpol_person *p;
        int used = 0;
        pf.limit = 1;
        if (cpol_person_iter_new(d->ctx, d->sys, &pf, &pi) == CPOL_OK && cpol_person_iter_next(pi, &p) == CPOL_OK)
            used = 1;
        cpol_person_iter_free(pi);
        if (used) {
            fprintf(stderr, "%s demo: %s\n", d->c->prog,
                    TR(d->c, "this store already holds people and no demo: run the demo on a new file (--db NEW.db)",
                       "此数据库已有人员数据且不是演示库: 请在新文件上运行演示 (--db 新文件.db)"));
            return CLI_EXIT_RULE;
        }
        d->month = 1;
        d->start = DEMO_EPOCH;
        demo_clock_to(d, d->start);
        if (!demo_ok(d, cpol_batch_begin(d->ctx), "starting the batch"))
            return d->failed;
        if (!build(d)) {
            cpol_batch_rollback(d->ctx);
            return d->failed ? d->failed : CLI_EXIT_ERROR;
        }
        if (!demo_ok(d, cpol_batch_commit(d->ctx), "committing the world"))
            return d->failed;
    } else if (rc == CPOL_OK) {
        char *end = NULL;
        long m = strtol(month, &end, 10);
        int trailing = *end != '\0';
        cpol_time last = 0;
        cpol_free(month);
        if (m < 1 || m > 1000 || trailing || cpol_setting_get(d->ctx, d->sys, "demo.clock", &clock) < 0
            || cli_time_parse(clock, &last) < 0) {
            cpol_free(clock);
            fprintf(stderr, "%s demo: %s\n", d->c->prog,
                    TR(d->c, "the settings demo.month and demo.clock of this store are damaged; run the demo on a new file",
                       "此数据库的 demo.month / demo.clock 设置已损坏; 请在新文件上运行演示"));
            return CLI_EXIT_DAMAGED;
        }
        cpol_free(clock);
        d->month = (int)m + 1;
        d->start = DEMO_EPOCH + (cpol_time)(d->month - 1) * 30 * DAY_MS;
        if (last > d->start)
            d->start = last;
        demo_clock_to(d, d->start);
        if (!each_slot(d, 0))
            return d->failed;
    } else {
        return cli_fail(d->c, rc, "%s", "reading demo.month");
    }
    d->end = d->start + 30 * DAY_MS;
    return CLI_EXIT_OK;
}

int demo_world_save(demo *d)
{
    char month[16], clock[32];
    snprintf(month, sizeof month, "%d", d->month);
    snprintf(clock, sizeof clock, "%lld", (long long)d->c->fixed_now);
    return demo_ok(d, cpol_setting_set(d->ctx, d->sys, "demo.month", month), "saving demo.month")
                   && demo_ok(d, cpol_setting_set(d->ctx, d->sys, "demo.clock", clock), "saving demo.clock")
               ? CLI_EXIT_OK
               : d->failed;
}
