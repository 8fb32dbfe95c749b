-- Each member's password alternates between two values; the changing session stays valid. The
-- harness gives every run members of its own, enough that no member is reached twice in a run.
local current = {}
request = function()
  local i = next_index(tokens)
  local old = current[i] or password
  local new = (old == password) and (password .. "-next") or password
  current[i] = new
  local body = string.format('{"OldPassword":"%s","NewPassword":"%s","RepeatNewPassword":"%s"}', old, new, new)
  return wrk.format("PATCH", "/api/public/coworker/profile", bearer(tokens[i]), body)
end
