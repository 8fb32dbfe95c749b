-- PATCH 3-5 personal properties; each request from the next member, with new values.
request = function()
  local i = next_index(tokens)
  return patch_profile(tokens[i], counter)
end
