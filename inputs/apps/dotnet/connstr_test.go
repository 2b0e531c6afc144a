package dotnet

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConnString(t *testing.T) {
	tests := []struct {
		in      string
		want    []option
		wantErr int // index in the error, -1 for none
	}{
		{"Server=db;Database=shop", []option{{"Server", "db", 0, 7}, {"Database", "shop", 10, 19}}, -1},
		{" ; Server = db ;;", []option{{"Server", "db", 3, 12}}, -1},
		{`Password="a;b""c";Server=db`, []option{{"Password", `a;b"c`, 0, 9}, {"Server", "db", 18, 25}}, -1},
		{`Password='it''s'`, []option{{"Password", "it's", 0, 9}}, -1},
		{"a==b=c", []option{{"a=b", "c", 0, 5}}, -1},
		{"Server=", []option{{"Server", "", 0, 7}}, -1},
		{"Server=db;Pooling", nil, 10},
		{"=x", nil, 0},
		{`Password="open`, nil, 0},
		{`Password="x" y;`, nil, 0},
	}
	for _, tc := range tests {
		got, err := parseConnString(tc.in)
		if tc.wantErr >= 0 {
			fe, ok := err.(*formatError)
			if !ok || fe.index != tc.wantErr {
				t.Errorf("parseConnString(%q) error = %v, want index %d", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseConnString(%q) error: %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(option{})); diff != "" {
			t.Errorf("parseConnString(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name, provider, conn string
		mysql, sure          bool
	}{
		{"Default", "", "Server=db;Database=shop;Port=3306", true, true},
		{"Default", "", "Server=db;Database=shop;AllowUserVariables=true", true, true},
		{"MySqlMain", "", "Server=db;Database=shop", true, true},
		{"Default", "MySql.Data.MySqlClient", "Server=db;Database=shop", true, true},
		{"Default", "", "Server=db;Database=shop", true, false},
		{"Default", "", "Server=(localdb)\\mssqllocaldb;Database=shop;Trusted_Connection=True", false, true},
		{"Default", "", "Server=tcp:shop.database.windows.net,1433;Initial Catalog=shop", false, true},
		{"Default", "", "Host=pg;Port=5432;Database=shop;Username=app", false, true},
		{"Default", "", "Data Source=app.db", false, true},
		{"Storage", "", "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=y", false, true},
		{"Bus", "", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k", false, true},
		{"Redis", "", "cache:6379=x", false, true},
	}
	for _, tc := range tests {
		opts, err := parseConnString(tc.conn)
		if err != nil {
			t.Fatalf("%q: %v", tc.conn, err)
		}
		mysql, _, sure := classify(tc.name, tc.provider, indexOptions(opts))
		if mysql != tc.mysql || sure != tc.sure {
			t.Errorf("classify(%q, %q) = mysql %v sure %v, want %v %v", tc.name, tc.conn, mysql, sure, tc.mysql, tc.sure)
		}
	}
}
