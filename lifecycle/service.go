package lifecycle

import (
	"sync"

	"github.com/itsmkit/itsmkit/itsm"
)

// KindService is the record kind of services in the catalog.
const KindService itsm.Kind = "service"

// ServiceState is a stage of the ITIL service lifecycle.
type ServiceState string

// The stages of the ITIL service lifecycle.
const (
	// ServicePipeline is a proposal under Service Strategy, not yet approved.
	ServicePipeline ServiceState = "pipeline"
	// ServiceDesign is an approved service being designed (Service Design).
	ServiceDesign ServiceState = "design"
	// ServiceTransition is a service being built, tested and deployed (Service
	// Transition).
	ServiceTransition ServiceState = "transition"
	// ServiceOperation is a live service (Service Operation).
	ServiceOperation ServiceState = "operation"
	// ServiceRetired is a service withdrawn, rejected or cancelled; it is final.
	ServiceRetired ServiceState = "retired"
)

// ServiceTrigger moves a service through the ITIL service lifecycle.
type ServiceTrigger string

// The triggers of the ITIL service lifecycle.
const (
	// ServiceApprove accepts the business case: pipeline → design.
	ServiceApprove ServiceTrigger = "approve"
	// ServiceReject turns the proposal down: pipeline → retired.
	ServiceReject ServiceTrigger = "reject"
	// ServiceBuild hands the design package over: design → transition.
	ServiceBuild ServiceTrigger = "build"
	// ServiceRework sends the design back after failed tests: transition → design.
	ServiceRework ServiceTrigger = "rework"
	// ServiceRelease puts the service live: transition → operation.
	ServiceRelease ServiceTrigger = "release"
	// ServiceImprove redesigns a live service (continual improvement): operation →
	// design.
	ServiceImprove ServiceTrigger = "improve"
	// ServiceCancel abandons the work: design or transition → retired.
	ServiceCancel ServiceTrigger = "cancel"
	// ServiceRetire withdraws the service: operation → retired.
	ServiceRetire ServiceTrigger = "retire"
)

// ServiceLifecycle returns the ITIL service lifecycle, for records of KindService:
//
//	pipeline ──approve──▶ design ──build──▶ transition ──release──▶ operation ──retire──▶ retired
//	pipeline ──reject──▶ retired
//	transition ──rework──▶ design          (testing failed)
//	operation ──improve──▶ design          (continual improvement)
//	design, transition ──cancel──▶ retired
//
// It has no policies or actions. Every call returns the same shared definition;
// hosts adapt it with Extend.
func ServiceLifecycle() *Definition[ServiceState, ServiceTrigger] { return serviceLifecycle() }

var serviceLifecycle = sync.OnceValue(func() *Definition[ServiceState, ServiceTrigger] {
	d, err := NewBuilder[ServiceState, ServiceTrigger](KindService, ServicePipeline).
		State(ServicePipeline, "Pipeline").
		State(ServiceDesign, "Design").
		State(ServiceTransition, "Transition").
		State(ServiceOperation, "Operation").
		Final(ServiceRetired, "Retired").
		Trigger(ServiceApprove, "Approve").
		Trigger(ServiceReject, "Reject").
		Trigger(ServiceBuild, "Build").
		Trigger(ServiceRework, "Rework").
		Trigger(ServiceRelease, "Release").
		Trigger(ServiceImprove, "Improve").
		Trigger(ServiceCancel, "Cancel").
		Trigger(ServiceRetire, "Retire").
		Permit(ServicePipeline, ServiceApprove, ServiceDesign).
		Permit(ServicePipeline, ServiceReject, ServiceRetired).
		Permit(ServiceDesign, ServiceBuild, ServiceTransition).
		Permit(ServiceDesign, ServiceCancel, ServiceRetired).
		Permit(ServiceTransition, ServiceRelease, ServiceOperation).
		Permit(ServiceTransition, ServiceRework, ServiceDesign).
		Permit(ServiceTransition, ServiceCancel, ServiceRetired).
		Permit(ServiceOperation, ServiceImprove, ServiceDesign).
		Permit(ServiceOperation, ServiceRetire, ServiceRetired).
		Build()
	if err != nil {
		panic(err) // a constant table: only an edit of this file can get here, and tests would fail
	}
	return d
})
