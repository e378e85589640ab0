#include "convene/domain/event_mail.hpp"

#include "convene/domain/calendar.hpp"
#include "convene/domain/facilitator_service.hpp"
#include "convene/storage/outbox_repository.hpp"
#include "convene/storage/registration_repository.hpp"
#include "convene/util/hash.hpp"

namespace convene::domain {

std::string EventMail::IssueLink(const model::Registration& registration) {
    const auto token = random_.Token("rtk_");
    storage::RegistrationRepository::AddLink(db_, util::Sha256Hex(token), registration.id);
    return std::string(base_url_) + "/r/" + token;
}

void EventMail::Queue(Kind kind, const model::Registration& registration, const std::string& link,
                      util::Instant due_at) {
    const auto& name = session_.name;
    const auto when = util::FormatForPeople(session_.starts_at, registration.timezone);
    const auto duration = std::to_string(session_.duration_minutes) + " minutes";
    std::string subject, opening, kind_name;
    bool calendar = true, cancel = false;
    switch (kind) {
        case Kind::kConfirmation:
            subject = "You are registered: " + name;
            opening = "You are registered for \"" + name + "\".";
            kind_name = "registration_confirmed";
            break;
        case Kind::kReminderDay:
            subject = "Tomorrow: " + name;
            opening = "A reminder: \"" + name + "\" starts in 24 hours.";
            kind_name = "registration_reminder";
            calendar = false;
            break;
        case Kind::kReminderHour:
            subject = "In one hour: " + name;
            opening = "A reminder: \"" + name + "\" starts in one hour.";
            kind_name = "registration_reminder";
            calendar = false;
            break;
        case Kind::kMoved:
            subject = "New time: " + name;
            opening = "\"" + name + "\" has moved. Your registration stays; here is the new time.";
            kind_name = "registration_moved";
            break;
        case Kind::kCancelled:
            subject = "Cancelled: " + name;
            opening = "\"" + name + "\" is cancelled. We are sorry for the change of plans.";
            kind_name = "registration_cancelled";
            cancel = true;
            break;
        case Kind::kRemoved:
            subject = "Registration cancelled: " + name;
            opening = "The organizer has cancelled your registration for \"" + name + "\".";
            kind_name = "registration_removed";
            cancel = true;
            break;
    }
    const auto greeting = "Hello " + registration.name + ",";
    std::string text = greeting + "\n\n" + opening + "\n\nEvent: " + event_.title +
                       "\nWhen: " + when + "\nDuration: " + duration + "\n";
    std::string html = "<!doctype html><html><body><p>" + HtmlEscape(greeting) + "</p><p>" +
                       HtmlEscape(opening) + "</p><p>Event: " + HtmlEscape(event_.title) +
                       "<br>When: " + HtmlEscape(when) + "<br>Duration: " + duration + "</p>";
    if (!cancel) {
        text += "\nYour personal link: " + link +
                "\nThe room opens 15 minutes before the start. This link is yours: do not "
                "share it.\n";
        html += "<p><a href=\"" + HtmlEscape(link) +
                "\">Your personal link</a></p><p>The room opens 15 minutes before the start. "
                "This link is yours: do not share it.</p>";
    }
    text += "\nYou receive this because this address was registered to the event on Convene.\n";
    html += "</body></html>";

    auto message = NewEmail(random_, now_, base_url_, registration.email, std::move(subject),
                            std::move(text), std::move(html), std::move(kind_name),
                            std::nullopt);
    message.due_at = due_at;
    message.event_session_id = session_.id;
    message.registration_id = registration.id;
    if (calendar) {
        const auto domain = MailDomain(base_url_);
        message.calendar = RenderCalendar({
            .method = cancel ? CalendarInvite::Method::kCancel : CalendarInvite::Method::kRequest,
            .uid = registration.id + "@" + domain,
            .sequence = session_.sequence,
            .summary = name,
            .description = event_.title + (cancel ? "" : "\nYour personal link: " + link),
            .url = cancel ? std::string(base_url_) + "/e/" + event_.slug : link,
            .organizer_email = "convene@" + domain,
            .attendee_name = registration.name,
            .attendee_email = registration.email,
            .starts_at = session_.starts_at,
            .ends_at = session_.EndsAt(),
            .stamp = now_,
        });
    }
    storage::OutboxRepository::Enqueue(db_, message);
}

void EventMail::QueueReminders(const model::Registration& registration, const std::string& link) {
    const auto day_before = session_.starts_at - kFirstReminder;
    const auto hour_before = session_.starts_at - kLastReminder;
    if (day_before > now_) Queue(Kind::kReminderDay, registration, link, day_before);
    if (hour_before > now_) Queue(Kind::kReminderHour, registration, link, hour_before);
}

void EventMail::Registered(const model::Registration& registration, const std::string& link) {
    Queue(Kind::kConfirmation, registration, link, now_);
    QueueReminders(registration, link);
}

void EventMail::Moved(const std::vector<model::Registration>& registrations) {
    storage::OutboxRepository::DropQueuedForEventSession(db_, session_.id);
    for (const auto& registration : registrations) {
        const auto link = IssueLink(registration);
        Queue(Kind::kMoved, registration, link, now_);
        QueueReminders(registration, link);
    }
}

void EventMail::Cancelled(const std::vector<model::Registration>& registrations) {
    storage::OutboxRepository::DropQueuedForEventSession(db_, session_.id);
    for (const auto& registration : registrations) {
        Queue(Kind::kCancelled, registration, {}, now_);
    }
}

void EventMail::Removed(const model::Registration& registration) {
    storage::OutboxRepository::DropQueuedForRegistration(db_, registration.id);
    Queue(Kind::kRemoved, registration, {}, now_);
}

}  // namespace convene::domain
