-- The password grant, spread over the members.
request = function()
  local email = emails[next_index(emails)]
  local body = "grant_type=password&username=" .. email .. "&password=" .. password
  return wrk.format("POST", "/api/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
