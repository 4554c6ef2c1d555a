BlogitsJ$Эt>E╘c╜┐ти=ЁдD>ЩP4╜mГ=rк\>х
^╜Pс7>