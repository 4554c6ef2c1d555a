
BxJ$╦KiGХк≤и╠квдюПDк╫юsфPгMиыг]AxKXIх