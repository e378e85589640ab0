#pragma once

// Handler functions, one file per resource. Each parses, calls one service method, renders.

#include "convene/http/router.hpp"

namespace convene::http::handlers {

// health.cpp
Response Healthz(Call& call);

// accounts.cpp
Response Signup(Call& call);
Response Login(Call& call);
Response Logout(Call& call);
Response GetMe(Call& call);
Response PatchMe(Call& call);
Response CreateToken(Call& call);
Response ListTokens(Call& call);
Response DeleteToken(Call& call);

}  // namespace convene::http::handlers
