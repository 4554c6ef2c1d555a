
B	initial_cJ†8Ó2a7Ý¶€¸Ê¯