-- GET the editing representation, spreading requests over every member's token.
request = function()
  return get_profile(tokens[next_index(tokens)])
end
