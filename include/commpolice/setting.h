/**
 * @file commpolice/setting.h
 * @brief Settings: named text values stored with the data.
 *
 * A setting is a key and a UTF-8 value kept in the database, for the
 * configuration that travels with the data (a station's name, code, contact,
 * kiosk location). Settings belong to no station: any actor with an active
 * role reads them; storing or removing one needs #CPOL_PERM_SETTINGS_MANAGE
 * above the station level (the system actor or a bureau-wide station
 * leader, like any other data above the station level) and writes an audit
 * entry (object kind "setting", the nil id as object, "key=value" before and
 * after). Keys are 1 to #CPOL_SETTING_KEY_MAX characters of
 * `a-z`, `0-9`, `.`, `_` and `-`, starting with a letter, so they can be grouped
 * by prefix ("station.name", "kiosk.location"). Values are valid UTF-8 of at
 * most #CPOL_SETTING_VALUE_MAX bytes.
 */
#ifndef COMMPOLICE_SETTING_H
#define COMMPOLICE_SETTING_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** Longest setting key, in bytes. */
#define CPOL_SETTING_KEY_MAX 64
/** Longest setting value, in bytes. */
#define CPOL_SETTING_VALUE_MAX 4096

/**
 * Store a setting, replacing any previous value.
 * @param ctx    an open context
 * @param as     the actor; needs #CPOL_PERM_SETTINGS_MANAGE, not bound to one station
 * @param key    the key (see the rules above)
 * @param value  the value, valid UTF-8
 * @return #CPOL_OK; #CPOL_EMISUSE if an argument is NULL; #CPOL_EPERM; #CPOL_EINVALID if the
 *         key breaks the rules; #CPOL_EUTF8 if the value is not UTF-8;
 *         #CPOL_ETOOLONG if key or value is too long; #CPOL_EREADONLY;
 *         #CPOL_EBUSY; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_setting_set(cpol_ctx *ctx, const cpol_actor *as, const char *key, const char *value);

/**
 * Read a setting.
 * @param ctx  an open context
 * @param as   the actor; any active role (#CPOL_EPERM otherwise)
 * @param key  the key
 * @param[out] out  receives a copy of the value, owned by the caller and freed
 *                  with cpol_free(); set to NULL on failure
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the key is not set; #CPOL_EMISUSE; #CPOL_EPERM;
 *         #CPOL_EINVALID; #CPOL_ETOOLONG; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_setting_get(cpol_ctx *ctx, const cpol_actor *as, const char *key, char **out);

/**
 * Remove a setting.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_SETTINGS_MANAGE, not bound to one station
 * @param key  the key
 * @return #CPOL_OK; #CPOL_ENOTFOUND if the key is not set; #CPOL_EMISUSE; #CPOL_EPERM;
 *         #CPOL_EINVALID; #CPOL_ETOOLONG; #CPOL_EREADONLY; #CPOL_EBUSY; #CPOL_ESTORAGE
 * @since 0.1
 */
CPOL_API int cpol_setting_delete(cpol_ctx *ctx, const cpol_actor *as, const char *key);

/**
 * Iterate over the settings whose key starts with a prefix, in key order.
 *
 * @ctor cpol_setting_iter
 * @param ctx     an open context
 * @param as      the actor; any active role
 * @param prefix  key prefix, "" or NULL for all settings
 * @param[out] out  receives the iterator (owned by the caller; free with
 *                  cpol_setting_iter_free()); set to NULL on failure
 * @return #CPOL_OK; #CPOL_EMISUSE if @p ctx, @p as or @p out is NULL; #CPOL_EPERM;
 *         #CPOL_EINVALID if the prefix has characters no key can have; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_setting_iter_new(cpol_ctx *ctx, const cpol_actor *as, const char *prefix,
                                   cpol_setting_iter **out);

/**
 * Advance to the next setting.
 * @param it  the iterator
 * @param[out] key_out    receives the key (borrowed: valid until the next call on @p it)
 * @param[out] value_out  receives the value (borrowed, like @p key_out)
 * @return #CPOL_OK with an item; #CPOL_DONE when there are no more;
 *         #CPOL_EMISUSE if an argument is NULL; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_setting_iter_next(cpol_setting_iter *it, const char **key_out, const char **value_out);

/**
 * Free an iterator. May be called after the context was closed.
 * @dtor cpol_setting_iter
 * @param it  the iterator, or NULL (a no-op)
 * @since 0.1
 */
CPOL_API void cpol_setting_iter_free(cpol_setting_iter *it);

CPOL_END_DECL

#endif /* COMMPOLICE_SETTING_H */
