/* docs/api.md, generated from the route and resource tables (a unit test
 * checks the committed file is current; `vfnet-server --api-doc` prints it). */
#pragma once

#include "base/strbuf.h"

int api_doc_markdown(struct strbuf *out);
