/* feedback/json.h - the result trees of feedback (csrc/json/feedback.c),
 * for both front ends. (To join wol_json.h with the other trees.) */
#ifndef WOL_FEEDBACK_JSON_H
#define WOL_FEEDBACK_JSON_H

#include <cjson/cJSON.h>

#include "wol.h"

WOL_API cJSON *wol_fitem_json(const wol_fitem *it);
WOL_API cJSON *wol_feedback_json(const wol_feedback *f);
WOL_API cJSON *wol_fwrite_json(wol_circle *c, const wol_fwrite *w);

#endif
