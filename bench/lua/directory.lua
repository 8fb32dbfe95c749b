-- Page the directory through the API and the portal, in turn, spread over the members'
-- tokens (the portal reads the same token from its session cookie).
request = function()
  local n = next_index(tokens)
  local token = tokens[n]
  if n % 2 == 0 then
    return wrk.format("GET", "/api/public/coworkers/published?size=25", bearer(token))
  end
  return wrk.format("GET", "/directory", { ["Cookie"] = "portico_session=" .. token })
end
