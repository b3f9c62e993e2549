package account

import "testing"

func TestHandleFrom(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"Søren Ærø", "soren_aero"},
		{"Jürgen Groß", "jurgen_gross"},
		{"  Ada  Lovelace!! ", "ada_lovelace"},
		{"李", "member"},
		{"X", "member"},
		{"Maximilian Alexander von Hohenberg-Lindström", "maximilian_alexander_von_h"},
	} {
		if got := HandleFrom(tt.name); got != tt.want {
			t.Errorf("HandleFrom(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, bad := range []string{"a", "with space", "ÆØÅ", "x" + string(make([]byte, 30))} {
		if _, err := CheckHandle(bad); err == nil {
			t.Errorf("CheckHandle(%q) accepted", bad)
		}
	}
	if h, err := CheckHandle(" @Ada_1 "); err != nil || h != "ada_1" {
		t.Errorf("CheckHandle = %q, %v", h, err)
	}
}
