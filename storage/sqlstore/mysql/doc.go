// Package mysql opens itsmkit's SQL store on MariaDB or MySQL through
// github.com/go-sql-driver/mysql.
//
//	store, err := mysql.Open(ctx, "app:secret@tcp(db:3306)/itsm", mysql.Options{})
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	svc, err := incident.NewService(store.Incidents(), incident.Options{})
package mysql
