
BvJ¨Aô