BxJ(µð
H‡oF€®åG”*¦Få¿‡G{GøHReF4¼½GËØHG