
BscansJ¨Aô¨Cô;ÔEıA